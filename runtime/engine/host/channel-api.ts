/**
 * The channel part of the snippet API (`ctx.channel(name, conn?)`, `conn.subscribe`,
 * `conn.unsubscribe`) inside the handler-host worker. Names are filled and checked here, where
 * the snippet's line is known; every operation is one ACT_CHANNEL request to the engine's
 * channel hub on the main thread, which owns the sockets, offsets and history.
 */
import { ACT_CHANNEL } from './protocol.ts';
import type { ChannelCall } from './protocol.ts';
import type { HostSink } from './objects.ts';
import { channelNameProblem, fillTemplate } from '../../model/channels.ts';

/** What fills `{x}` in a channel name: the connection's params, then query, then attributes. */
export interface NameSource {
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, unknown>>;
  readonly attributes: Record<string, unknown>;
}

export function channelName(name: unknown, conn: NameSource | undefined): string {
  if (typeof name !== 'string') throw new TypeError('a channel name is a string, e.g. "room:{room}"');
  let filled = name;
  if (name.includes('{')) {
    if (!conn) throw new TypeError(`channel "${name}" has placeholders: pass the connection that fills them, ctx.channel(name, conn)`);
    const result = fillTemplate(name, (key) => conn.params[key] ?? conn.query[key] ?? conn.attributes[key]);
    if ('problem' in result) throw new TypeError(`channel "${name}": ${result.problem}`);
    filled = result.name;
  }
  const problem = channelNameProblem(filled);
  if (problem) throw new TypeError(problem);
  return filled;
}

function jsonOf(data: unknown): string {
  const json = data === undefined ? undefined : JSON.stringify(data);
  if (json === undefined) throw new TypeError('publish() needs a JSON value (a string, number, boolean, null, object or array)');
  return json;
}

export function channelRequest(sink: HostSink, serviceIdx: number, connNum: number, call: ChannelCall): Promise<unknown> {
  return sink.request(ACT_CHANNEL, serviceIdx, connNum, call);
}

/** `ctx.channel(name, conn?)`; `numOf` maps a snippet's conn to its number (0 for none). */
export function channelApi(service: { idx: number }, sink: HostSink, numOf: (conn: unknown) => number | undefined, sourceOf: (conn: unknown) => NameSource | undefined): object {
  return {
    channel(name: unknown, conn?: unknown) {
      const channel = channelName(name, sourceOf(conn));
      const num = numOf(conn) ?? 0;
      return Object.freeze({
        name: channel,
        publish: (data: unknown) => channelRequest(sink, service.idx, num, { op: 'publish', channel, json: jsonOf(data) }),
        members: () => channelRequest(sink, service.idx, num, { op: 'members', channel }),
      });
    },
  };
}

export function subscribeCall(name: unknown, conn: NameSource, options: unknown): ChannelCall {
  const channel = channelName(name, conn);
  const o = (typeof options === 'object' && options !== null ? options : {}) as { since?: unknown; member?: unknown };
  let since: number | undefined;
  // A query value arrives as text when undeclared: accept a decimal string as the client's offset.
  const raw = typeof o.since === 'string' && /^\d+$/.test(o.since) ? Number(o.since) : o.since;
  if (raw !== undefined && raw !== null) {
    if (typeof raw !== 'number' || !Number.isSafeInteger(raw) || raw < 0) throw new TypeError(`subscribe(): since is a whole number >= 0 (the last offset seen), not ${JSON.stringify(o.since)}`);
    since = raw;
  }
  if (o.member !== undefined && typeof o.member !== 'string') throw new TypeError('subscribe(): member is a string');
  return { op: 'subscribe', channel, since, member: o.member as string | undefined };
}
