/**
 * The cluster adapter's contract: where broadcasts, targeted sends, state and cluster-wide counts
 * live. The in-memory adapter is the default; the Redis adapter implements the same interface so
 * that no snippet changes when a flow scales out.
 */

/** A message to deliver to local connections, produced on this or another instance. */
export interface Delivery {
  service: string;
  /**
   * Inside an instance: a text, or bytes (a binary message when `binary`, else UTF-8 text), never
   * copied on the way to the sockets. Across instances (pub/sub carries JSON) a string: the text,
   * or the binary as base64 when `binary` is true.
   */
  data: string | Uint8Array;
  binary?: boolean;
  /** Deliver only to these connection ids (targeted send); absent = every connection of the service. */
  to?: string[];
  /** Skip these connection ids (broadcast `except`). */
  except?: string[];
}

export interface StateBackend {
  get(service: string, key: string): Promise<unknown>;
  set(service: string, key: string, value: unknown): Promise<void>;
  delete(service: string, key: string): Promise<boolean>;
  incr(service: string, key: string, by: number): Promise<number>;
  keys(service: string, prefix: string): Promise<string[]>;
}

export interface ClusterAdapter {
  /** Called once by the engine; `deliverLocal` sends a delivery to this instance's sockets. */
  start(deliverLocal: (delivery: Delivery) => void): Promise<void>;
  /** Deliver everywhere (this instance included). Must not throw; failures are counted and logged. */
  publish(delivery: Delivery): void;
  readonly state: StateBackend;
  /** Keep cluster-wide counts; called on every local open/close. */
  connectionOpened(service: string, connectionId: string): void;
  connectionClosed(service: string, connectionId: string): void;
  connectionCount(service: string): Promise<number>;
  /** Counters for status displays and tests (e.g. `undelivered` while Redis is down). */
  stats(): Record<string, number>;
  close(): Promise<void>;
  /** Shared offsets, history and presence of channels (docs/channels.md); absent: this instance alone. */
  channels?(): ChannelBackend;
}

/** One channel as this instance sees it (the designer's run panel). */
export interface ChannelStatus {
  service: string;
  channel: string;
  /** subscribers on this instance */
  subscribers: number;
  /** the last offset this instance has seen */
  lastOffset: number;
  /** messages in this instance's history (shared history lives in Redis: 0 here) */
  history: number;
}

/** A channel message or presence event as every instance receives it, in publish order per channel. */
export type ChannelWire =
  | { kind: 'message'; service: string; name: string; offset: number; json: string }
  | { kind: 'presence'; service: string; name: string; what: 'join' | 'leave'; member: string };

/** Where channels are shared between instances (runtime/engine/adapters/redis-channels.ts). */
export interface ChannelBackend {
  /** Every channel message and presence event of the flow, from every instance (this one included); resolves once listening (or given up waiting: Redis down). */
  start(onWire: (wire: ChannelWire) => void): Promise<void>;
  /** Numbers (above `floor`), records and publishes one message; resolves with its offset. */
  publish(service: string, name: string, json: string, history: { size: number; ttlMs: number }, floor: number): Promise<number>;
  /** The history after `since` (offsets ascending) and the channel's last offset. */
  range(service: string, name: string, since: number, ttlMs: number): Promise<{ last: number; entries: { offset: number; json: string }[] }>;
  presence(service: string, name: string, what: 'join' | 'leave', connectionId: string, member: string): Promise<void>;
  members(service: string, name: string): Promise<string[]>;
  /** After an outage: the next offset of the channel must be above `floor` (what this instance numbered alone). */
  raise(service: string, name: string, floor: number): Promise<void>;
  /** Called with true when the shared store is reachable again (after an outage). */
  onUp(listener: () => void): void;
  close(): Promise<void>;
}
