/**
 * Cluster-wide connection counts. Each instance is the source of truth for its own connections:
 * it writes absolute per-service counts to its own hash (never increments, so a write lost while
 * Redis was down is repaired by the next one) and refreshes that hash's TTL on a heartbeat. A
 * crashed instance stops refreshing and its connections stop counting once the TTL runs out.
 *
 * The count and the PUBLISH of a broadcast go over the same connection, so when another instance
 * receives "bob connected" from this one, bob is already counted there.
 */
import type { Redis } from 'ioredis';
import type { RedisKeys } from './redis-keys.ts';
import { withTimeout } from './redis-state.ts';

export class Presence {
  /** Local open connections by service (ids), in open order. */
  private readonly local = new Map<string, Set<string>>();
  private readonly localIds = new Set<string>();
  /** Last known count of the other instances, per service: the answer while Redis is away. */
  private readonly others = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  staleAnswers = 0;

  constructor(
    private readonly client: Redis,
    private readonly keys: RedisKeys,
    private readonly instanceId: string,
    private readonly heartbeatMs: number,
    private readonly timeoutMs: number,
  ) {}

  private get ttlMs(): number {
    return this.heartbeatMs * 3;
  }

  isLocal(connectionId: string): boolean {
    return this.localIds.has(connectionId);
  }

  opened(service: string, connectionId: string): void {
    let ids = this.local.get(service);
    if (!ids) this.local.set(service, (ids = new Set()));
    ids.add(connectionId);
    this.localIds.add(connectionId);
    this.write(service);
  }

  closed(service: string, connectionId: string): void {
    const ids = this.local.get(service);
    if (!ids?.delete(connectionId)) return;
    this.localIds.delete(connectionId);
    this.write(service);
  }

  localCount(service: string): number {
    return this.local.get(service)?.size ?? 0;
  }

  /** Starts the heartbeat; call `announce()` whenever the connection becomes ready. */
  start(): void {
    this.timer = setInterval(() => this.announce(), this.heartbeatMs);
    this.timer.unref();
  }

  /** Writes this instance's whole snapshot and refreshes its TTL (heartbeat, and after reconnect). */
  announce(): void {
    if (this.client.status !== 'ready') return;
    const key = this.keys.instance(this.instanceId);
    const fields: Record<string, string> = { alive: String(Date.now()) };
    for (const [service, ids] of this.local) fields[`s:${service}`] = String(ids.size);
    this.client
      .multi()
      .hset(key, fields)
      .pexpire(key, this.ttlMs)
      .sadd(this.keys.instances, this.instanceId)
      .exec()
      .catch(() => undefined); // the next heartbeat or reconnect writes it again
  }

  private write(service: string): void {
    if (this.client.status !== 'ready') return; // announce() after reconnect repairs it
    const key = this.keys.instance(this.instanceId);
    this.client.hset(key, `s:${service}`, String(this.localCount(service))).catch(() => undefined);
  }

  /** Local connections plus every live instance's count; stale remote part while Redis is away. */
  async count(service: string): Promise<number> {
    const mine = this.localCount(service);
    if (this.client.status !== 'ready') {
      this.staleAnswers++;
      return mine + (this.others.get(service) ?? 0);
    }
    try {
      return mine + (await withTimeout(this.othersCount(service), this.timeoutMs));
    } catch {
      this.staleAnswers++;
      return mine + (this.others.get(service) ?? 0);
    }
  }

  /** Sum of the other live instances' counts (and forget instances whose TTL ran out). */
  private async othersCount(service: string): Promise<number> {
    const ids = (await this.client.smembers(this.keys.instances)).filter((id) => id !== this.instanceId);
    let sum = 0;
    if (ids.length > 0) {
      const pipeline = this.client.pipeline();
      for (const id of ids) pipeline.hmget(this.keys.instance(id), `s:${service}`, 'alive');
      const replies = (await pipeline.exec()) ?? [];
      const dead: string[] = [];
      replies.forEach(([error, value], index) => {
        if (error) return;
        const [count, alive] = value as [string | null, string | null];
        // No hash at all: its TTL ran out, the instance is gone.
        if (alive === null) dead.push(ids[index]!);
        else sum += Number(count ?? 0) || 0;
      });
      if (dead.length) this.client.srem(this.keys.instances, ...dead).catch(() => undefined);
    }
    this.others.set(service, sum);
    return sum;
  }

  /** Graceful leave: this instance's connections stop counting at once, not after the TTL. */
  async leave(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.client.status !== 'ready') return;
    await this.client
      .multi()
      .del(this.keys.instance(this.instanceId))
      .srem(this.keys.instances, this.instanceId)
      .exec()
      .catch(() => undefined);
  }
}
