/**
 * Seeing a chain run (DESIGN.md, "Seeing and debugging a chain"): `wsflow run --trace` as a child
 * process over real sockets. The `invoke` event of a chain lists the action nodes that ran, in
 * order, with the port a branching node took and each step's time; a failing step is reported on
 * its node and field (never a generated line) and counted under its id at GET /metrics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChainStep, TraceEvent } from '../../runtime/engine/contracts.ts';
import { runFlow, WSFLOW_BIN, type RunningProcess } from '../helpers/cli.ts';
import { waitFor } from '../helpers/wait.ts';
import { TestClient } from '../helpers/ws-client.ts';
import { scrapeUntil, value } from '../metrics/scrape.ts';
import { compileChains } from '../../runtime/lowcode/index.ts';
import { flowFrom, start } from '../engine/helpers.ts';

const FLOW = `wsflow: 1
name: steps
listener: { port: 9999 }
nodes:
  - { id: up, type: upgrader, basePath: /c }
  - { id: svc, type: service }
  - { id: on-text, type: onText }
  - { id: route, type: switch, value: text, cases: [boom, snippet, quiet] }
  - { id: check, type: if, condition: "text.length > 3" }
  - { id: mark, type: set, target: var, name: seen, value: "text.toUpperCase()" }
  - { id: long, type: reply, message: "long \${vars.seen}" }
  - { id: short, type: reply, message: "short \${text}" }
  - { id: bad, type: reply, value: "JSON.parse(text)" }
  - id: snip
    type: code
    code: |
      const x = 1;
      throw new TypeError('thrown on purpose ' + x);
edges:
  - { from: up, to: svc }
  - { from: svc, to: on-text }
  - { from: on-text, to: route }
  - { from: route, to: bad, port: boom }
  - { from: route, to: snip, port: snippet }
  - { from: route, to: check, port: default }
  - { from: check, to: mark, port: then }
  - { from: mark, to: long }
  - { from: check, to: short, port: else }
`;

type Invoke = Extract<TraceEvent, { kind: 'invoke' }>;

let dir: string;
let cli: RunningProcess;
let client: TestClient;

/** The `invoke` events `--trace` printed so far (one JSON line each on stderr). */
function invokes(): Invoke[] {
  return cli
    .output()
    .split('\n')
    .filter((l) => l.startsWith('{') && l.includes('"kind":"invoke"'))
    .map((l) => JSON.parse(l) as Invoke);
}

/** The trace event of the invocation that got `input` (each test sends a different text). */
function invokeOf(input: string): Promise<Invoke> {
  return waitFor(`the invoke event of "${input}"`, () => invokes().find((e) => e.input?.preview === input), 10_000);
}

const shape = (steps: ChainStep[] | undefined) => steps?.map(({ nodeId, port }) => (port === undefined ? { nodeId } : { nodeId, port }));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wsflow-steps-'));
  const file = join(dir, 'steps.wsflow.yaml');
  await writeFile(file, FLOW);
  cli = await runFlow(file, ['--trace']);
  client = await TestClient.connect(`${cli.url}/c`);
});

afterAll(async () => {
  client?.socket.close();
  await cli?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('chain steps in the trace (wsflow run --trace)', () => {
  it('lists the steps of the then branch in order, with ports and times', async () => {
    client.send('hello');
    expect(await client.next()).toBe('long HELLO');
    const event = await invokeOf('hello');
    expect(event.nodeId).toBe('on-text');
    expect(shape(event.steps)).toEqual([{ nodeId: 'route', port: 'default' }, { nodeId: 'check', port: 'then' }, { nodeId: 'mark' }, { nodeId: 'long' }]);
    for (const step of event.steps ?? []) {
      expect(typeof step.ms).toBe('number');
      expect(step.ms).toBeGreaterThanOrEqual(0);
    }
    const total = (event.steps ?? []).reduce((sum, s) => sum + s.ms, 0);
    expect(total).toBeLessThanOrEqual(event.durationMs + 0.01);
  });

  it('lists the else branch, and a switch case whose port is not wired', async () => {
    client.send('hi');
    expect(await client.next()).toBe('short hi');
    expect(shape((await invokeOf('hi')).steps)).toEqual([{ nodeId: 'route', port: 'default' }, { nodeId: 'check', port: 'else' }, { nodeId: 'short' }]);
    client.send('quiet');
    expect(shape((await invokeOf('quiet')).steps)).toEqual([{ nodeId: 'route', port: 'quiet' }]);
  });

  it('reports a failing expression on its node and field, in words, and counts it under the node', async () => {
    client.send('boom');
    const event = await invokeOf('boom');
    expect(event.error).toMatchObject({ code: 'WSF_SNIPPET_THROW', nodeId: 'bad', field: 'value' });
    expect(event.error?.line).toBeUndefined();
    expect(event.error?.stack).toBeUndefined();
    expect(shape(event.steps)).toEqual([{ nodeId: 'route', port: 'boom' }, { nodeId: 'bad' }]);
    await waitFor('the failure in words', () => /^'bad' failed in field 'value': .*JSON/m.test(cli.output()), 5000);
    expect(cli.output()).not.toMatch(/^on-text:\d+:/m);
    const s = await scrapeUntil(cli.port, (x) => value(x, 'wsflow_handler_errors_total', { node: 'bad' }) === 1, 'one error of bad');
    expect(value(s, 'wsflow_handler_errors_total', { node: 'on-text' })).toBe(0);
    // The connection is still served.
    client.send('again');
    expect(await client.next()).toBe('long AGAIN');
  });

  it('reports a throwing code step on its node, field and line inside the field', async () => {
    client.send('snippet');
    const event = await invokeOf('snippet');
    expect(event.error).toMatchObject({ nodeId: 'snip', field: 'code', line: 2, message: 'thrown on purpose 1' });
    await waitFor('the code step failure in words', () => cli.output().includes("'snip' failed in field 'code' (line 2): thrown on purpose 1"), 5000);
    await scrapeUntil(cli.port, (x) => value(x, 'wsflow_handler_errors_total', { node: 'snip' }) === 1, 'one error of snip');
  });
});

describe('a chain esbuild refuses (wsflow run)', () => {
  it('names the action node and field, not a line of the generated code', async () => {
    const file = join(dir, 'broken.wsflow.yaml');
    await writeFile(file, FLOW.replace('value: "JSON.parse(text)"', 'value: "JSON.parse(text"'));
    const result = spawnSync(process.execPath, [WSFLOW_BIN, 'run', file, '--port', '0'], { encoding: 'utf8', timeout: 60_000 });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/broken\.wsflow\.yaml:\d+:\d+: error \[bad\] Syntax error in 'value': .*\(WSF_ACTION_EXPR_SYNTAX\)/);
    expect(result.stderr).not.toContain('(line ');
  });
});

describe('steps cost nothing unless asked for', () => {
  it('keeps the code people see free of markers', () => {
    const flow = flowFrom(FLOW.replace('port: 9999', 'port: 0'));
    const [shown] = compileChains(flow);
    const [engine] = compileChains(flow, { steps: true });
    expect(shown?.code).not.toContain('__steps');
    expect(engine?.code).toContain('__steps?.step("route");');
    expect(engine?.code).toContain('__steps?.port("then");');
  });

  it('records steps only while a subscriber asks for them (engine API)', async () => {
    const flow = await start(FLOW.replace('port: 9999', 'port: 0'), { traceSampleRate: 10_000 });
    const plain: TraceEvent[] = [];
    const detailed: TraceEvent[] = [];
    const sub = flow.subscribe((e) => plain.push(e));
    const c = await TestClient.connect(`${flow.url}/c`);
    try {
      const invokeOfIn = (events: TraceEvent[], input: string) =>
        waitFor(`the invoke event of "${input}"`, () => events.find((e): e is Invoke => e.kind === 'invoke' && e.input?.preview === input), 5000);
      c.send('first');
      expect(await c.next()).toBe('long FIRST');
      expect((await invokeOfIn(plain, 'first')).steps).toBeUndefined();
      const withSteps = flow.subscribe((e) => detailed.push(e), { steps: true });
      // The worker learns it with its next control message: wait until an invocation has them.
      const seen = await waitFor('an invocation with steps', async () => {
        c.send('second');
        expect(await c.next()).toBe('long SECOND');
        const last = detailed.filter((e): e is Invoke => e.kind === 'invoke' && e.input?.preview === 'second').pop();
        return last?.steps ? last : undefined;
      }, 5000);
      expect(shape(seen.steps)).toEqual([{ nodeId: 'route', port: 'default' }, { nodeId: 'check', port: 'then' }, { nodeId: 'mark' }, { nodeId: 'long' }]);
      withSteps.unsubscribe();
      const plainAgain = await waitFor('an invocation without steps again', async () => {
        c.send('third');
        expect(await c.next()).toBe('long THIRD');
        const last = plain.filter((e): e is Invoke => e.kind === 'invoke' && e.input?.preview === 'third').pop();
        return last && !last.steps ? last : undefined;
      }, 5000);
      expect(plainAgain.steps).toBeUndefined();
    } finally {
      c.socket.close();
      sub.unsubscribe();
      await flow.stop({ drainTimeoutMs: 1000 });
    }
  });
});
