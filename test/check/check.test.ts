import { describe, expect, it } from 'vitest';
import { formatProblem, validateFlowFile, validateFlowText } from '../../runtime/check/index.ts';
import type { Problem } from '../../runtime/model/types.ts';

const flowWith = (handlers: string, extraEdges = '') => `wsflow: 1
name: demo
listener: { port: 9090 }
nodes:
  - id: up
    type: upgrader
    upgradePath: /{name}
  - id: svc
    type: service
${handlers}edges:
  - { from: up, to: svc }
${extraEdges}`;

/** A handler node (with its edge) whose snippet is `code`; the snippet starts on file line 13. */
const handler = (code: string, type = 'onText', id = 'h') => {
  const body = code
    .split('\n')
    .map((l) => (l ? `      ${l}` : l))
    .join('\n');
  return flowWith(`  - id: ${id}\n    type: ${type}\n    code: |\n${body}\n`, `  - { from: svc, to: ${id} }\n`);
};
const only = (problems: Problem[]) => problems.map((p) => `${p.line}:${p.col} ${p.code}`);

describe('validateFlowText', () => {
  it('validates a valid flow cold and warm (times printed, not asserted: npm test checks behaviour)', async () => {
    const text = handler('export default function onText(conn: Connection, text: string, ctx: ServiceContext) {\n  ctx.broadcast(`${conn.params.name}: ${text}`);\n}\n');
    let start = performance.now();
    const cold = await validateFlowText(text, 'cold.yaml');
    const coldMs = performance.now() - start;
    start = performance.now();
    const warm = await validateFlowText(text.replace('}: ${text}', '} says ${text}'), 'warm.yaml');
    const warmMs = performance.now() - start;
    console.log(`validateFlowText: cold ${coldMs.toFixed(0)} ms, warm ${warmMs.toFixed(0)} ms`);
    expect(cold.problems).toEqual([]);
    expect(warm.problems).toEqual([]);
  });

  it('maps a type error inside a snippet to the file line and column', async () => {
    const { problems } = await validateFlowText(handler('export default function onText(conn: Connection, text: string) {\n  const n: number = text;\n  conn.send(String(n));\n}\n'), 'f.yaml');
    expect(only(problems)).toEqual(['14:15 WSF_SNIPPET_TYPE']);
    expect(problems[0]).toMatchObject({ nodeId: 'h', field: 'code', file: 'f.yaml' });
    expect(problems[0]?.message).toBe("Type error in the snippet (line 2): Type 'string' is not assignable to type 'number'.");
  });

  it('checks the default export against the handler type of the node', async () => {
    const wrong = await validateFlowText(handler('export default function (conn: Connection, code: string) {}\n', 'onClose'), 'f.yaml');
    expect(only(wrong.problems)).toEqual(['13:7 WSF_SNIPPET_SIGNATURE']);
    expect(wrong.problems[0]?.message).toContain('does not fit the onClose handler type');
    // Fewer parameters than the type offers is fine, and so is an async handler.
    const fewer = await validateFlowText(handler('export default async (conn: Connection) => { await Promise.resolve(conn.id); };\n', 'onOpen'), 'f.yaml');
    expect(fewer.problems).toEqual([]);
    const missing = await validateFlowText(handler('const x = 1;\nexport { x };\n'), 'f.yaml');
    expect(only(missing.problems)).toEqual(['13:7 WSF_SNIPPET_NO_DEFAULT_EXPORT']);
  });

  it('allows Node built-ins and Node globals, and refuses other packages', async () => {
    const node = await validateFlowText(
      handler("import { createHash } from 'node:crypto';\nexport default function (conn: Connection, text: string) {\n  conn.send(createHash('sha1').update(text).digest('hex') + process.pid + new URL('http://x/a').pathname);\n}\n"),
      'f.yaml',
    );
    expect(node.problems).toEqual([]);
    // Only valid with @types/node (URL and fetch are not in the light globals): the fallback must accept it.
    const globals = await validateFlowText(handler("export default async function (conn: Connection) {\n  const r = await fetch(new URL('http://127.0.0.1/'));\n  conn.send(String(r.status));\n}\n"), 'f.yaml');
    expect(globals.problems).toEqual([]);
    const pkg = await validateFlowText(handler("import lodash from 'lodash';\nexport default function (conn: Connection) { conn.send(String(lodash)); }\n"), 'f.yaml');
    expect(only(pkg.problems)).toEqual(['13:26 WSF_SNIPPET_TYPE']);
    expect(pkg.problems[0]?.message).toContain("Cannot find module 'lodash'");
  });

  it('finds errors that involve the light globals too', async () => {
    const { problems } = await validateFlowText(handler("export default function (conn: Connection) {\n  const t: string = setTimeout(() => conn.close(), 5);\n}\n"), 'f.yaml');
    expect(only(problems)).toEqual(['14:15 WSF_SNIPPET_TYPE']);
  });

  it('reports schema errors at the offending value, without repeating structural ones', async () => {
    const text = flowWith('  - id: h\n    type: onText\n    position: { x: left, y: 2 }\n    code: |\n      export default function () {}\n', '  - { from: svc, to: h }\n').replace('port: 9090', 'port: "9090"');
    const { problems } = await validateFlowText(text, 'f.yaml');
    expect(only(problems)).toEqual(['3:19 WSF_PORT_INVALID', '12:20 WSF_SCHEMA']);
    expect(problems[1]).toMatchObject({ nodeId: 'h', field: 'position.x', message: "'position.x' must be a number, not the text \"left\"." });
  });

  it('can skip the TypeScript check', async () => {
    const { problems } = await validateFlowText(handler('export default function (conn: Connection) { conn.nope(); }\n'), 'f.yaml', { typecheck: false });
    expect(problems).toEqual([]);
  });

  it('formats problems as file:line:col: severity [node] message (CODE)', async () => {
    expect(formatProblem({ severity: 'error', code: 'WSF_X', message: 'Bad.', file: 'a.yaml', line: 3, col: 7, nodeId: 'n' })).toBe('a.yaml:3:7: error [n] Bad. (WSF_X)');
    expect(formatProblem({ severity: 'warning', code: 'WSF_Y', message: 'Hm.', file: 'a.yaml', line: 1, col: 1 })).toBe('a.yaml:1:1: warning Hm. (WSF_Y)');
    const missing = await validateFlowFile('test/check/no-such.wsflow.yaml');
    expect(missing.problems.map(formatProblem)).toEqual(['test/check/no-such.wsflow.yaml: error File not found. (WSF_FILE_NOT_FOUND)']);
  });
});
