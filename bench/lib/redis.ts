/** A throw-away `redis-server` for the multi-instance scenarios: loopback, free port, no persistence. */
import { execFileSync } from 'node:child_process';
import { freePort, spawnTracked, type Spawned } from './proc.ts';

export function redisServerPath(): string | undefined {
  try {
    return execFileSync('bash', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

export async function startRedis(binary: string): Promise<{ url: string; proc: Spawned }> {
  const port = await freePort();
  const proc = spawnTracked(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no']);
  await proc.waitForLine(/Ready to accept connections/, 15_000, 'redis-server start');
  return { url: `redis://127.0.0.1:${port}`, proc };
}
