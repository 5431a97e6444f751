/**
 * The channel hub (main thread): subscriptions, offsets, history and presence of the channels
 * services declare (docs/channels.md). A publish is framed once and the same bytes are written
 * to every subscriber through the engine's one send path (services.ts `sendFrame`: the
 * slow-reader limit applies). Created only when a service declares channels, so a flow without
 * them pays nothing.
 */
import type { ChannelDecl } from '../../model/channels.ts';
import { MAX_SUBSCRIPTIONS_PER_CONNECTION, findDecl } from '../../model/channels.ts';
import type { ChannelCall } from '../host/protocol.ts';
import type { ConnRecord, ServiceRt } from '../connection.ts';
import { buildFrame } from '../frames.ts';
import { sendFrame } from '../services.ts';

/** How often channels nobody listens to are swept (their expired history dropped, the channel forgotten). */
const SWEEP_MS = 30_000;

interface Entry {
  offset: number;
  /** ms since epoch, for the TTL */
  t: number;
  /** the envelope, as sent */
  text: string;
}

interface Channel {
  readonly key: string;
  readonly name: string;
  readonly service: string;
  size: number;
  ttlMs: number;
  presence: boolean;
  last: number;
  history: Entry[];
  /** subscriber -> member name */
  readonly subs: Map<ConnRecord, string>;
}

/** What one channel looks like from outside (the run panel, tests). */
export interface ChannelInfo {
  service: string;
  channel: string;
  subscribers: number;
  lastOffset: number;
  history: number;
}

export interface ChannelJoin {
  recovered: boolean;
  replayed: number;
  offset: number;
}

/** A failure a snippet sees: the message starts with its stable code. */
export function channelError(code: string, message: string): Error {
  return new Error(`${code}: ${message}`);
}

export const envelope = (name: string, offset: number, json: string): string => `{"channel":${JSON.stringify(name)},"offset":${offset},"data":${json}}`;
const presenceText = (name: string, what: 'join' | 'leave', member: string): string => `{"channel":${JSON.stringify(name)},"presence":"${what}","member":${JSON.stringify(member)}}`;

export class ChannelHub {
  private readonly channels = new Map<string, Channel>();
  /**
   * The last offset of every channel ever published to, kept when the channel itself is swept,
   * so that offsets never go back (a few dozen bytes per channel name).
   */
  private readonly lastOffsets = new Map<string, number>();
  /** connection number -> keys of its channels */
  private readonly byConn = new Map<number, Set<string>>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly sent: (service: string, count: number) => void) {
    this.sweeper = setInterval(() => this.sweep(Date.now()), SWEEP_MS);
    this.sweeper.unref();
  }

  /** One operation of a snippet; `rec` is the connection it names (subscribe) or runs for. */
  call(svc: ServiceRt, rec: ConnRecord | undefined, call: ChannelCall): Promise<unknown> {
    try {
      return Promise.resolve(this.run(svc, rec, call));
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  private run(svc: ServiceRt, rec: ConnRecord | undefined, call: ChannelCall): unknown {
    const now = Date.now();
    const channel = this.channel(svc, call.channel, now);
    switch (call.op) {
      case 'publish':
        return this.publish(channel, call.json, now);
      case 'subscribe':
        if (!rec) throw channelError('WSF_CHANNEL_NO_CONNECTION', `subscribe to "${call.channel}" needs a connection`);
        return this.subscribe(channel, rec, call.since, call.member ?? rec.id);
      case 'unsubscribe':
        return rec ? this.leave(channel, rec) : false;
      case 'members':
        return [...new Set(channel.subs.values())];
      default:
        throw channelError('WSF_HOST_PROTOCOL', 'unknown channel operation');
    }
  }

  private channel(svc: ServiceRt, name: string, now: number): Channel {
    const key = `${svc.spec.id}\u0000${name}`;
    let channel = this.channels.get(key);
    const decl = findDecl<ChannelDecl>(svc.spec.node.channels ?? [], name);
    if (!decl) throw channelError('WSF_CHANNEL_UNDECLARED', `service "${svc.spec.id}" declares no channel that "${name}" matches; add it under channels:`);
    if (!channel) {
      channel = { key, name, service: svc.spec.id, size: 0, ttlMs: 0, presence: false, last: this.lastOffsets.get(key) ?? 0, history: [], subs: new Map() };
      this.channels.set(key, channel);
    }
    // Read each time: a hot reload may change history or presence of a declared channel.
    channel.size = decl.history?.size ?? 0;
    channel.ttlMs = (decl.history?.ttlSeconds ?? 0) * 1000;
    channel.presence = decl.presence === true;
    prune(channel, now);
    return channel;
  }

  private publish(channel: Channel, json: string, now: number): number {
    const offset = ++channel.last;
    this.lastOffsets.set(channel.key, offset);
    const text = envelope(channel.name, offset, json);
    if (channel.size > 0) {
      channel.history.push({ offset, t: now, text });
      if (channel.history.length > channel.size) channel.history.splice(0, channel.history.length - channel.size);
    }
    this.fanOut(channel, text);
    return offset;
  }

  private fanOut(channel: Channel, text: string): void {
    if (channel.subs.size === 0) return;
    const frame = buildFrame(text, false);
    let sent = 0;
    for (const rec of channel.subs.keys()) if (sendFrame(rec, frame)) sent++;
    this.sent(channel.service, sent);
  }

  private subscribe(channel: Channel, rec: ConnRecord, since: number | undefined, member: string): ChannelJoin {
    if (!rec.open) return { recovered: false, replayed: 0, offset: channel.last };
    if (channel.subs.has(rec)) return { recovered: true, replayed: 0, offset: channel.last };
    const mine = this.byConn.get(rec.num) ?? new Set<string>();
    if (mine.size >= MAX_SUBSCRIPTIONS_PER_CONNECTION) {
      throw channelError('WSF_CHANNEL_LIMIT', `connection ${rec.id} already holds ${MAX_SUBSCRIPTIONS_PER_CONNECTION} channel subscriptions`);
    }
    let recovered = true;
    let replayed = 0;
    if (since !== undefined && since !== channel.last) {
      const first = channel.history[0]?.offset;
      // An offset past the last one comes from an earlier life of the channel: it cannot be continued.
      if (since > channel.last || first === undefined || first > since + 1) recovered = false;
      else {
        for (const entry of channel.history) {
          if (entry.offset <= since) continue;
          if (sendFrame(rec, buildFrame(entry.text, false))) replayed++;
        }
        this.sent(channel.service, replayed);
      }
    }
    mine.add(channel.key);
    this.byConn.set(rec.num, mine);
    channel.subs.set(rec, member);
    if (channel.presence) this.fanOut(channel, presenceText(channel.name, 'join', member));
    return { recovered, replayed, offset: channel.last };
  }

  private leave(channel: Channel, rec: ConnRecord): boolean {
    const member = channel.subs.get(rec);
    if (member === undefined) return false;
    channel.subs.delete(rec);
    this.byConn.get(rec.num)?.delete(channel.key);
    if (channel.presence) this.fanOut(channel, presenceText(channel.name, 'leave', member));
    return true;
  }

  /** A connection closed: it leaves every channel it was in. */
  closed(rec: ConnRecord): void {
    const mine = this.byConn.get(rec.num);
    if (!mine) return;
    this.byConn.delete(rec.num);
    for (const key of mine) {
      const channel = this.channels.get(key);
      if (channel) this.leave(channel, rec);
    }
  }

  list(): ChannelInfo[] {
    return [...this.channels.values()].map((c) => ({ service: c.service, channel: c.name, subscribers: c.subs.size, lastOffset: c.last, history: c.history.length }));
  }

  private sweep(now: number): void {
    for (const channel of this.channels.values()) {
      prune(channel, now);
      if (channel.subs.size === 0 && channel.history.length === 0) this.channels.delete(channel.key);
    }
  }

  close(): void {
    clearInterval(this.sweeper);
  }
}

function prune(channel: Channel, now: number): void {
  const h = channel.history;
  let drop = h.length > channel.size ? h.length - channel.size : 0;
  if (channel.ttlMs > 0) while (drop < h.length && (h[drop] as Entry).t < now - channel.ttlMs) drop++;
  if (drop > 0) h.splice(0, drop);
}
