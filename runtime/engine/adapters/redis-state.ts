/**
 * `ctx.state` in Redis: one hash per service, values stored as JSON text so that every instance
 * reads back exactly what another wrote. `incr` uses HINCRBY (HINCRBYFLOAT for fractions), so it
 * is atomic across instances: the chat sample's unique-name check relies on that.
 *
 * While Redis is unreachable every operation rejects at once with a `WSF_STATE_UNAVAILABLE`
 * error (the engine reports it as a snippet error); nothing is queued or retried behind the
 * snippet's back.
 */
import type { Redis } from 'ioredis';
import type { StateBackend } from '../contracts.ts';
import type { RedisKeys } from './redis-keys.ts';

export class StateError extends Error {
  constructor(
    message: string,
    /** `WSF_STATE_UNAVAILABLE` (Redis unreachable) or `WSF_STATE_ERROR` (bad value, wrong type). */
    readonly code: string,
  ) {
    super(message);
    this.name = 'StateError';
  }
}

/**
 * Rejects with "Command timed out" when Redis gives no reply in time (a hung server keeps the
 * connection open). Per call rather than ioredis' `commandTimeout`, which would also arm a timer
 * for every PUBLISH on the hot path.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, timedOut = `Command timed out after ${ms} ms`): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(timedOut)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** Errors from ioredis that mean "not connected", as opposed to a reply error from Redis. */
const UNAVAILABLE = /writeable|Connection is closed|timed out|aborted|max retries|ECONNREFUSED|ECONNRESET|EPIPE/i;

export function createRedisState(client: Redis, keys: RedisKeys, where: string, timeoutMs: number): StateBackend {
  const label = (op: string, key: string) => `state.${op}(${JSON.stringify(key)})`;

  async function run<T>(op: string, key: string, command: () => Promise<T>): Promise<T> {
    if (client.status !== 'ready') {
      throw new StateError(`${label(op, key)} failed: Redis at ${where} is unavailable (${client.status})`, 'WSF_STATE_UNAVAILABLE');
    }
    try {
      return await withTimeout(command(), timeoutMs);
    } catch (error) {
      if (error instanceof StateError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      if (UNAVAILABLE.test(reason)) {
        throw new StateError(`${label(op, key)} failed: Redis at ${where} is unavailable (${reason})`, 'WSF_STATE_UNAVAILABLE');
      }
      throw new StateError(`${label(op, key)} failed: ${reason}`, 'WSF_STATE_ERROR');
    }
  }

  return {
    get(service, key) {
      return run('get', key, async () => {
        const raw = await client.hget(keys.state(service), key);
        if (raw === null) return undefined;
        try {
          return JSON.parse(raw) as unknown;
        } catch {
          // Written by hand with redis-cli: hand the text back rather than failing the snippet.
          return raw;
        }
      });
    },
    set(service, key, value) {
      return run('set', key, async () => {
        let text: string | undefined;
        try {
          text = JSON.stringify(value);
        } catch (error) {
          throw new StateError(`${label('set', key)} failed: value is not JSON-serializable (${(error as Error).message})`, 'WSF_STATE_ERROR');
        }
        // As in the in-memory store: what JSON cannot hold (undefined, a function) means "no value".
        if (text === undefined) await client.hdel(keys.state(service), key);
        else await client.hset(keys.state(service), key, text);
      });
    },
    delete(service, key) {
      return run('delete', key, async () => (await client.hdel(keys.state(service), key)) > 0);
    },
    incr(service, key, by) {
      return run('incr', key, async () => {
        if (!Number.isFinite(by)) throw new StateError(`${label('incr', key)} failed: increment ${by} is not a finite number`, 'WSF_STATE_ERROR');
        const hash = keys.state(service);
        try {
          if (Number.isInteger(by)) return await client.hincrby(hash, key, by);
        } catch (error) {
          // A stored fraction ("1.5") is not an integer for HINCRBY; HINCRBYFLOAT handles it.
          if (!/not an integer/i.test((error as Error).message)) throw error;
        }
        try {
          return Number(await client.hincrbyfloat(hash, key, by));
        } catch (error) {
          if (/not a (valid )?float/i.test((error as Error).message)) {
            throw new StateError(`${label('incr', key)} failed: the stored value is not a number`, 'WSF_STATE_ERROR');
          }
          throw error;
        }
      });
    },
    keys(service, prefix) {
      return run('keys', prefix, async () => {
        // HKEYS over one service's hash: state stores are small; a prefix filter in Redis would
        // need glob escaping and still scan the whole hash.
        const all = await client.hkeys(keys.state(service));
        return all.filter((key) => key.startsWith(prefix)).sort();
      });
    },
  };
}
