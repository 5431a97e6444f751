/**
 * Traced invocations carry a bounded preview of their input: text cut at INPUT_PREVIEW_CHARS and
 * marked truncated, binary as its size and first bytes in hex; events without a message have none.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningFlow, TraceEvent } from '../../runtime/engine/contracts.ts';
import { INPUT_PREVIEW_CHARS } from '../../runtime/model/input-preview.ts';
import { waitFor } from '../helpers/wait.ts';
import { TestClient } from '../helpers/ws-client.ts';
import { collect, start } from './helpers.ts';

const FLOW = `
wsflow: 1
name: preview
listener: { port: 0 }
nodes:
  - { id: up, type: upgrader, basePath: /p }
  - { id: svc, type: service }
  - id: on-open
    type: onOpen
    code: |
      export default function onOpen(conn: Connection) {
        conn.send('hi');
      }
  - id: on-text
    type: onText
    code: |
      export default function onText(conn: Connection, text: string) {
        conn.send(text);
      }
  - id: on-binary
    type: onBinary
    code: |
      export default function onBinary(conn: Connection, data: Uint8Array) {
        conn.send(data);
      }
edges:
  - { from: up, to: svc }
  - { from: svc, to: on-open }
  - { from: svc, to: on-text }
  - { from: svc, to: on-binary }
`;

type Invoke = Extract<TraceEvent, { kind: 'invoke' }>;
let flow: RunningFlow;

beforeAll(async () => {
  flow = await start(FLOW);
}, 60_000);

afterAll(async () => {
  await flow?.stop();
});

describe('trace input preview', () => {
  it('previews text (cut and marked when long), binary in hex, and nothing for open', async () => {
    const trace = collect(flow);
    const c = await TestClient.connect(`${flow.url}/p`);
    expect(await c.next()).toBe('hi');
    c.send('hello there');
    expect(await c.next()).toBe('hello there');
    const long = 'x'.repeat(INPUT_PREVIEW_CHARS + 50);
    c.send(long);
    expect(await c.next()).toBe(long);
    c.send(Buffer.from(Array.from({ length: 300 }, (_, i) => i % 256)));
    await c.next();
    const invokes = () => trace.events.filter((e): e is Invoke => e.kind === 'invoke');
    await waitFor('four traced invocations', () => invokes().length >= 4, 10_000);
    c.socket.close();
    trace.stop();
    const [open, short, cut, binary] = invokes();
    expect(open?.input).toBeUndefined();
    expect(short?.input).toEqual({ type: 'text', preview: 'hello there', size: 11, truncated: false });
    expect(cut?.input).toEqual({ type: 'text', preview: 'x'.repeat(INPUT_PREVIEW_CHARS), size: INPUT_PREVIEW_CHARS + 50, truncated: true });
    expect(binary?.input?.type).toBe('binary');
    expect(binary?.input?.size).toBe(300);
    expect(binary?.input?.truncated).toBe(true);
    expect(binary?.input?.preview.startsWith('00 01 02 03')).toBe(true);
    expect(binary?.input?.preview.length).toBeLessThanOrEqual(INPUT_PREVIEW_CHARS);
  });
});
