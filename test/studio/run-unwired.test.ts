/**
 * Run and live reload leave out nodes no client can reach (model/unwired.ts): a pasted node, a
 * handler with no service, a connector wired to nothing are warnings, never a refusal; errors on
 * the nodes that run still refuse. A real engine on port 0 and a real client.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseFlow } from '../../runtime/model/parse.ts';
import { planRun, unwiredNodes } from '../../runtime/model/unwired.ts';
import { validateFlowText } from '../../runtime/check/index.ts';
import { Runner } from '../../runtime/studio/runner.ts';
import { REPO } from '../../runtime/studio/renderer-build.ts';
import { TestClient } from '../helpers/ws-client.ts';

const ECHO = readFileSync(path.join(REPO, 'samples/echo-lowcode.wsflow.yaml'), 'utf8');
const STRAYS = `  - id: pasted-reply
    type: reply
    position: { x: 900, y: 300 }
  - id: lone-handler
    type: onText
    position: { x: 640, y: 300 }
  - id: lone-log
    type: log
    position: { x: 900, y: 400 }
    message: never
`;
/** The echo sample plus a pasted action with a missing field, a handler with no service and its chain. */
const WITH_STRAYS = ECHO.replace('edges:\n', `${STRAYS}edges:\n  - { from: lone-handler, to: lone-log }\n`);

async function problemsOf(text: string) {
  const { flow, problems } = await validateFlowText(text, 'f.wsflow.yaml', { typecheck: false });
  if (!flow) throw new Error('no flow');
  return { flow, problems };
}

describe('planRun', () => {
  it('drops the nodes no upgrader reaches and keeps their problems as warnings', async () => {
    const { flow, problems } = await problemsOf(WITH_STRAYS);
    const codes = problems.filter((p) => p.severity === 'error').map((p) => `${p.nodeId}:${p.code}`);
    expect(codes).toEqual(expect.arrayContaining(['pasted-reply:WSF_CHAIN_UNREACHABLE', 'lone-handler:WSF_HANDLER_NO_SERVICE']));
    const plan = planRun(flow, problems);
    expect(plan.dropped).toEqual(['pasted-reply', 'lone-handler', 'lone-log']);
    expect(plan.blocking).toEqual([]);
    expect(plan.ignored.every((p) => p.severity === 'warning')).toBe(true);
    expect(new Set(plan.ignored.map((p) => p.nodeId))).toEqual(new Set(plan.dropped));
    expect(plan.flow.nodes.map((n) => n.id)).toEqual(['upgrader', 'echo', 'on-text', 'reply-text', 'on-binary', 'reply-binary']);
    expect(plan.flow.edges.some((e) => e.from === 'lone-handler')).toBe(false);
  });

  it('keeps errors on the nodes that run, and drops nothing when no upgrader reaches a service', async () => {
    const broken = WITH_STRAYS.replace('    value: text\n', '');
    const { flow, problems } = await problemsOf(broken);
    expect(planRun(flow, problems).blocking.map((p) => p.nodeId)).toEqual(['reply-text']);
    const noRoute = parseFlow(ECHO.replace('  - { from: upgrader, to: echo }\n', ''), 'f.wsflow.yaml').flow;
    if (!noRoute) throw new Error('no flow');
    expect(unwiredNodes(noRoute).size).toBe(0);
  });
});

describe('the studio runner', () => {
  let runner: Runner | undefined;
  afterEach(async () => {
    await runner?.stop();
    runner = undefined;
  });

  it('starts and live reloads a flow with unwired nodes, naming them as ignored', async () => {
    runner = new Runner(() => undefined);
    const started = await runner.start(WITH_STRAYS, 'f.wsflow.yaml', 0);
    expect(started.ignored?.map((p) => p.nodeId)).toEqual(expect.arrayContaining(['pasted-reply', 'lone-handler', 'lone-log']));
    const client = await TestClient.connect(`${started.url}/chat`);
    client.send('hello');
    await expect(client.nextText()).resolves.toBe('hello');
    // A fresh paste of one more node must not stop the reload of the rest.
    const reloaded = await runner.reload(WITH_STRAYS.replace('edges:\n', '  - id: another-paste\n    type: broadcast\n    position: { x: 0, y: 500 }\nedges:\n'), 'f.wsflow.yaml');
    expect(reloaded.applied).toBe(true);
    expect(reloaded.ignored?.map((p) => p.nodeId)).toContain('another-paste');
    client.send('again');
    await expect(client.nextText()).resolves.toBe('again');
    await client.close();
  });

  it('still refuses a reload when a node that runs has an error', async () => {
    runner = new Runner(() => undefined);
    await runner.start(ECHO, 'f.wsflow.yaml', 0);
    const result = await runner.reload(ECHO.replace('    value: text\n', ''), 'f.wsflow.yaml');
    expect(result.applied).toBe(false);
    expect(result.problems.map((p) => p.nodeId)).toContain('reply-text');
  });
});
