/**
 * Channels shared through Redis (docs/channels.md): one offset counter per channel (INCR), its
 * history in a stream whose entry ids are the offsets (`<offset>-0`, trimmed with MAXLEN), its
 * members in a hash, and one pub/sub channel per flow carrying every message and presence event.
 * Numbering, recording and publishing run in one Lua script, so Redis publishes a channel's
 * messages in offset order and every instance receives them in that order.
 *
 *   wsflow:<flow>:channels                       pub/sub: `m\n<offset>\n<service>\n<name>\n<json>`
 *                                                or `p\n<join|leave>\n<service>\n<name>\n<member>`
 *   wsflow:<flow>:ch:<service>:<name>:seq        the last offset
 *   wsflow:<flow>:ch:<service>:<name>:log        stream: id <offset>-0, fields t (ms), d (JSON)
 *   wsflow:<flow>:ch:<service>:<name>:members    hash: connection id -> member
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { ChannelBackend, ChannelWire } from '../contracts.ts';
import { withTimeout } from './redis-state.ts';

const PUBLISH = `
local o = redis.call('INCR', KEYS[1])
local floor = tonumber(ARGV[1])
if o <= floor then o = floor + 1; redis.call('SET', KEYS[1], o) end
local size = tonumber(ARGV[2])
if size > 0 then
  redis.call('XADD', KEYS[2], 'MAXLEN', size, o .. '-0', 't', ARGV[4], 'd', ARGV[6])
  local ttl = tonumber(ARGV[3])
  if ttl > 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
end
redis.call('PUBLISH', KEYS[3], 'm\\n' .. o .. '\\n' .. ARGV[5] .. '\\n' .. ARGV[6])
return o`;

const RAISE = `
local o = tonumber(redis.call('GET', KEYS[1]) or '0')
if o < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) end
return 0`;

type ChannelRedis = Redis & {
  wsfChannelPublish(seq: string, log: string, bus: string, floor: number, size: number, ttlMs: number, now: number, header: string, json: string): Promise<number>;
  wsfChannelRaise(seq: string, floor: number): Promise<number>;
};

/** `options` are the adapter's client options (no offline queue: a call fails at once while Redis is down). */
export function createRedisChannels(url: string, options: RedisOptions, flow: string, timeoutMs: number, connectMs = 5000): ChannelBackend {
  const root = `wsflow:${flow}`;
  const bus = `${root}:channels`;
  const key = (service: string, name: string, part: 'seq' | 'log' | 'members') => `${root}:ch:${service}:${name}:${part}`;
  const cmd = new Redis(url, { ...options, enableAutoPipelining: true, connectionName: `${options.connectionName ?? 'wsflow'}:channels` }) as ChannelRedis;
  const sub = new Redis(url, { ...options, connectionName: `${options.connectionName ?? 'wsflow'}:channels-sub` });
  cmd.defineCommand('wsfChannelPublish', { numberOfKeys: 3, lua: PUBLISH });
  cmd.defineCommand('wsfChannelRaise', { numberOfKeys: 1, lua: RAISE });
  const upListeners: (() => void)[] = [];
  let wasDown = false;
  let closing = false;
  for (const client of [cmd, sub]) {
    client.on('error', () => undefined); // the adapter logs outages; here a failed call is the signal
    client.on('close', () => {
      if (!closing) wasDown = true;
    });
  }
  let listening: () => void = () => undefined;
  sub.on('ready', () => {
    sub.subscribe(bus).then(
      () => {
        listening();
        if (!wasDown) return;
        wasDown = false;
        for (const listener of upListeners) listener();
      },
      () => undefined,
    );
  });

  /** A hung Redis must not hang a snippet: every call is bounded. */
  const bounded = <T>(promise: Promise<T>): Promise<T> =>
    withTimeout(promise, timeoutMs, `Redis did not answer within ${timeoutMs} ms`).catch((error: unknown) => {
      throw new Error(`WSF_CHANNEL_UNAVAILABLE: ${error instanceof Error ? error.message : String(error)}`);
    });

  return {
    async start(onWire) {
      sub.on('message', (_channel: string, text: string) => {
        const wire = parseWire(text);
        if (wire) onWire(wire);
      });
      const subscribed = new Promise<void>((resolve) => (listening = resolve));
      cmd.connect().catch(() => undefined);
      sub.connect().catch(() => undefined);
      // Redis down at start: serve locally (publishes fall back, recoveries report notRecovered) and keep retrying.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([subscribed, new Promise<void>((resolve) => (timer = setTimeout(resolve, connectMs)))]);
      clearTimeout(timer);
      if (cmd.status !== 'ready') await Promise.race([new Promise<void>((resolve) => cmd.once('ready', () => resolve())), new Promise<void>((resolve) => setTimeout(resolve, 200).unref())]);
    },
    publish(service, name, json, history, floor) {
      return bounded(cmd.wsfChannelPublish(key(service, name, 'seq'), key(service, name, 'log'), bus, floor, history.size, history.ttlMs, Date.now(), `${service}\n${name}`, json)).then(Number);
    },
    async range(service, name, since, ttlMs) {
      const [last, rows] = await bounded(Promise.all([cmd.get(key(service, name, 'seq')), cmd.xrange(key(service, name, 'log'), `${since + 1}-0`, '+')]));
      const oldest = ttlMs > 0 ? Date.now() - ttlMs : 0;
      const entries: { offset: number; json: string }[] = [];
      for (const [id, fields] of rows) {
        const t = Number(fieldOf(fields, 't'));
        if (t < oldest) continue;
        entries.push({ offset: Number(id.slice(0, id.indexOf('-'))), json: fieldOf(fields, 'd') ?? 'null' });
      }
      return { last: Number(last ?? 0), entries };
    },
    async presence(service, name, what, connectionId, member) {
      const members = key(service, name, 'members');
      const wire = `p\n${what}\n${service}\n${name}\n${member}`;
      if (what === 'join') await bounded(Promise.all([cmd.hset(members, connectionId, member), cmd.publish(bus, wire)]));
      else await bounded(Promise.all([cmd.hdel(members, connectionId), cmd.publish(bus, wire)]));
    },
    async members(service, name) {
      return [...new Set(await bounded(cmd.hvals(key(service, name, 'members'))))];
    },
    async raise(service, name, floor) {
      await bounded(cmd.wsfChannelRaise(key(service, name, 'seq'), floor));
    },
    onUp(listener) {
      upListeners.push(listener);
    },
    async close() {
      closing = true;
      for (const client of [cmd, sub]) {
        if (client.status === 'ready') await client.quit().catch(() => client.disconnect());
        else client.disconnect();
      }
    },
  };
}

function fieldOf(fields: string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}

/** The pub/sub text back into a wire event (names hold no newline: they are validated). */
function parseWire(text: string): ChannelWire | undefined {
  const cut = (from: number) => text.indexOf('\n', from);
  const a = cut(0);
  const b = a < 0 ? -1 : cut(a + 1);
  const c = b < 0 ? -1 : cut(b + 1);
  const d = c < 0 ? -1 : cut(c + 1);
  if (d < 0) return undefined;
  const tag = text.slice(0, a);
  const second = text.slice(a + 1, b);
  const service = text.slice(b + 1, c);
  const name = text.slice(c + 1, d);
  const rest = text.slice(d + 1);
  if (tag === 'm') {
    const offset = Number(second);
    return Number.isSafeInteger(offset) ? { kind: 'message', service, name, offset, json: rest } : undefined;
  }
  if (tag === 'p' && (second === 'join' || second === 'leave')) return { kind: 'presence', service, name, what: second, member: rest };
  return undefined;
}
