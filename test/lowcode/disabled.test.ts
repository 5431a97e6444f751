/**
 * Disabled nodes (runtime/model/disabled.ts): a disabled chain step is passed through, a disabled
 * handler does not run, their problems are warnings; the engine and an exported service behave
 * the same (both go through the chain compiler's lowerFlow).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { validateFlowText } from '../../runtime/check/index.ts';
import { compileChains, lowerFlow } from '../../runtime/lowcode/index.ts';
import { TestClient } from '../helpers/ws-client.ts';
import { start, flowFrom } from '../engine/helpers.ts';
import { exportToTemp, removeExport, startExported } from '../export/exported.ts';

const FLOW = `
wsflow: 1
name: disabled
listener: { port: 8080 }
nodes:
  - { id: up, type: upgrader, basePath: /c }
  - { id: svc, type: service }
  - { id: on-text, type: onText }
  - { id: a, type: reply, value: "'A:' + text", disabled: true }
  - { id: b, type: reply, value: "'B:' + text" }
  - { id: on-open, type: onOpen, disabled: true, code: "export default function onOpen(conn: Connection) { conn.send('hello'); }" }
  - { id: broken, type: reply, disabled: true, value: "nope(" }
edges:
  - { from: up, to: svc }
  - { from: svc, to: on-text }
  - { from: svc, to: on-open }
  - { from: on-text, to: a }
  - { from: a, to: b }
`;

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeExport));

describe('disabled nodes', () => {
  it('pass a chain through a disabled step and drop a disabled handler', () => {
    const flow = flowFrom(FLOW);
    const [chain] = compileChains(flow);
    expect(chain?.nodes).toEqual(['b']);
    expect(chain?.code).toContain("'B:' + text");
    expect(chain?.code).not.toContain("'A:'");
    const lowered = lowerFlow(flow).flow;
    // Indices stay (problems are located by them); the disabled handler lost its snippet and edges.
    expect(lowered.nodes.map((n) => n.id)).toEqual(flow.nodes.map((n) => n.id));
    expect(lowered.nodes.find((n) => n.id === 'on-open')?.code).toBeUndefined();
    expect(lowered.edges.some((e) => e.from === 'on-open' || e.to === 'on-open' || e.to === 'a')).toBe(false);
  });

  it('reports what is wrong with a disabled node as a warning', async () => {
    const { problems } = await validateFlowText(FLOW, 'disabled.wsflow.yaml');
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(problems.some((p) => p.nodeId === 'broken' && p.severity === 'warning')).toBe(true);
  });

  it('runs the same live and exported: B only, no hello', async () => {
    const live = await start(FLOW); // start() listens on port 0, whatever the file says
    const dir = await exportToTemp(flowFrom(FLOW), 'disabled');
    dirs.push(dir);
    const exported = await startExported(dir);
    try {
      for (const url of [live.url, exported.url]) {
        const client = await TestClient.connect(`${url}/c`);
        client.send('x');
        // No 'hello' from the disabled onOpen, no 'A:x' from the disabled step.
        await expect(client.nextText()).resolves.toBe('B:x');
        await client.close();
      }
    } finally {
      await live.stop({ drainTimeoutMs: 1000 });
      await exported.stop();
    }
  });
});
