/**
 * A real, throw-away `redis-server` for tests: no persistence, its own temp dir. The process
 * lifecycle (port, temp dir, kill, restart) is test/helpers/broker-process.ts's; this adds the
 * URL and a hang (SIGSTOP / SIGCONT) for the fault tests.
 */
import { startBrokerProcess, type BrokerProcess } from '../helpers/broker-process.ts';

export const REDIS_SERVER = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';

export interface TestRedis extends Omit<BrokerProcess, 'signal'> {
  url: string;
  /** SIGSTOP / SIGCONT: a Redis that hangs with its connections open. */
  pause(): void;
  resume(): void;
}

export async function startRedis(): Promise<TestRedis> {
  const broker = await startBrokerProcess({
    name: 'redis',
    binary: REDIS_SERVER,
    install: 'apt-get install redis-server',
    args: (port, dir) => ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
  });
  return {
    ...broker,
    url: `redis://127.0.0.1:${broker.port}`,
    pause: () => broker.signal('SIGSTOP'),
    resume: () => broker.signal('SIGCONT'),
  };
}
