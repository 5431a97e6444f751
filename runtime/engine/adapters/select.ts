/**
 * Which cluster adapter a process uses: Redis when `REDIS_URL` is set (or the flow has
 * `settings.redisUrl`), the in-memory one otherwise. `wsflow run` and the exported service both
 * call this, so a flow scales out by setting one environment variable and changing nothing else.
 */
import type { FlowDocument } from '../../model/types.ts';
import type { ClusterAdapter } from '../contracts.ts';
import { createMemoryAdapter } from './memory.ts';
import { createRedisAdapter, type RedisAdapterOptions } from './redis.ts';

export { RedisAdapterError } from './redis.ts';

/** The Redis URL a process would use, and where it came from (for messages); undefined = memory. */
export function redisUrlOf(
  flow: FlowDocument,
  env: Record<string, string | undefined>,
): { url: string; from: 'REDIS_URL' | 'settings.redisUrl' } | undefined {
  const fromEnv = env.REDIS_URL?.trim();
  if (fromEnv) return { url: fromEnv, from: 'REDIS_URL' };
  const fromFlow = flow.settings?.redisUrl;
  if (typeof fromFlow === 'string' && fromFlow.trim() !== '') return { url: fromFlow.trim(), from: 'settings.redisUrl' };
  return undefined;
}

/**
 * Throws `RedisAdapterError` (a one-line message naming REDIS_URL or settings.redisUrl) when the
 * URL is not a redis:// or rediss:// URL; an unreachable Redis is not an error (see redis.ts).
 */
export function selectAdapter(
  flow: FlowDocument,
  env: Record<string, string | undefined>,
  options: Omit<RedisAdapterOptions, 'flow'> = {},
): ClusterAdapter {
  const chosen = redisUrlOf(flow, env);
  if (!chosen) return createMemoryAdapter();
  try {
    return createRedisAdapter(chosen.url, { ...options, flow: flow.name });
  } catch (error) {
    if (error instanceof Error) error.message = `${chosen.from}: ${error.message}`;
    throw error;
  }
}
