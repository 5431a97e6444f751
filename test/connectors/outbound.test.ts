/**
 * The broker connections' shared parts (runtime/connectors/broker.ts) on their own: Outbound's
 * bound (count and bytes, room given back only when the library is done, the caller's deadline)
 * and BrokerHealth's once-per-outage reports. The brokers themselves: test/security/broker-stall.test.ts.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ACK_TIMEOUT_CODE, BrokerHealth, Outbound, PUBLISH_ACK_MS, dropReason } from '../../runtime/connectors/broker.ts';
import { ConnectorError } from '../../runtime/connectors/errors.ts';

const up = { code: 'WSF_MQTT_UNAVAILABLE', up: true, waitUp: () => Promise.resolve(true) };

/** A write the test finishes by hand. */
function pendingWrite(): { write: () => Promise<void>; finish: () => void; written: () => boolean } {
  let finish = () => undefined as void;
  let written = false;
  const write = () => {
    written = true;
    return new Promise<void>((resolve) => (finish = resolve));
  };
  return { write, finish: () => finish(), written: () => written };
}

const codeOf = (error: unknown) => (error instanceof ConnectorError ? error.code : String(error));

describe('Outbound', () => {
  afterEach(() => vi.useRealTimers());

  it('refuses a publish past the count or the bytes at once, and takes one again once the broker took one', async () => {
    const out = new Outbound({ messages: 2, bytes: 100 }, 'the MQTT broker mqtt://b:1883', up);
    const a = pendingWrite();
    const b = pendingWrite();
    const first = out.send(10, a.write);
    const second = out.send(10, b.write);
    const third = out.send(10, () => Promise.resolve());
    await expect(third).rejects.toThrow(/the MQTT broker mqtt:\/\/b:1883 has not taken 2 publishes \(20 bytes\) yet; the outbound bound is 2 messages or 100 bytes .* \(WSF_CONNECTOR_BACKLOG\)$/);
    await vi.waitFor(() => expect(a.written() && b.written()).toBe(true));
    a.finish();
    await first;
    await expect(out.send(91, () => Promise.resolve())).rejects.toThrow(/WSF_CONNECTOR_BACKLOG/); // 10 + 91 bytes > 100
    await out.send(90, () => Promise.resolve());
    b.finish();
    await second;
  });

  it('fails with the connection’s code when it is not up within the grace', async () => {
    let answer = (_up: boolean) => undefined as void;
    const out = new Outbound({ messages: 1, bytes: 1000 }, 'Redis redis://r:6379', { code: 'WSF_REDIS_UNAVAILABLE', up: false, waitUp: () => new Promise<boolean>((r) => (answer = r)) });
    const waiting = out.send(1, () => Promise.resolve()).catch((e: unknown) => e);
    // The bound full of publishes waiting for a broker that is away: the outage is the reason.
    const full: unknown = await out.send(1, () => Promise.resolve()).catch((e: unknown) => e);
    expect(codeOf(full)).toBe('WSF_REDIS_UNAVAILABLE');
    answer(false);
    const error = await waiting;
    expect(codeOf(error)).toBe('WSF_REDIS_UNAVAILABLE');
    expect(dropReason(error)).toBe('unavailable');
  });

  it('tells the caller after PUBLISH_ACK_MS, but keeps the room until the library is done', async () => {
    vi.useFakeTimers();
    const out = new Outbound({ messages: 1, bytes: 1000 }, 'the NATS server nats://n:4222', up);
    const stuck = pendingWrite();
    const late = out.send(1, stuck.write).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(PUBLISH_ACK_MS);
    const error = await late;
    expect(codeOf(error)).toBe(ACK_TIMEOUT_CODE);
    expect(dropReason(error)).toBe('timeout');
    expect(dropReason(await out.send(1, () => Promise.resolve()).catch((e: unknown) => e))).toBe('backlog');
    stuck.finish();
    await vi.advanceTimersByTimeAsync(0);
    await out.send(1, () => Promise.resolve());
  });
});

describe('BrokerHealth', () => {
  it('reports an outage once and its end once; reconnecting when a live connection is lost, down while attempts fail', () => {
    const reports: string[] = [];
    const states: string[] = [];
    const health = new BrokerHealth({ unavailable: 'WSF_NATS_UNAVAILABLE', reconnected: 'WSF_NATS_RECONNECTED' }, 'the NATS server nats://n:4222', 'nats://n:4222', (level, code) => reports.push(`${level} ${code}`), (state) => states.push(state));
    health.lost('connect ECONNREFUSED');
    health.connected();
    health.lost('connection lost');
    health.lost('connect ECONNREFUSED');
    health.lost('connect ECONNREFUSED');
    health.connected();
    expect(states).toEqual(['down', 'connected', 'reconnecting', 'down', 'down', 'connected']);
    expect(reports).toEqual(['error WSF_NATS_UNAVAILABLE', 'info WSF_NATS_RECONNECTED', 'error WSF_NATS_UNAVAILABLE', 'info WSF_NATS_RECONNECTED']);
  });
});
