import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { componentTextsSync } from '../helpers/components.ts';
import { parseFlow } from '../../runtime/model/parse.ts';
import { newFlowYaml, updateFlowYaml } from '../../runtime/model/serialize.ts';
import type { FlowDocument, FlowNode } from '../../runtime/model/types.ts';

const files = [
  ...readdirSync('samples').filter((f) => f.endsWith('.wsflow.yaml')).map((f) => `samples/${f}`),
  ...readdirSync('test/corpus/good').map((f) => `test/corpus/good/${f}`),
];
const load = (text: string): FlowDocument => {
  const { flow } = parseFlow(text, 'x');
  if (!flow) throw new Error('no flow');
  return structuredClone(flow);
};
/** Lines of b that differ from a, compared position by position (for same-length texts). */
const changedLines = (a: string, b: string) => {
  const x = a.split('\n');
  const y = b.split('\n');
  expect(y.length).toBe(x.length);
  return x.flatMap((line, i) => (line === y[i] ? [] : [`${i + 1}: ${line} -> ${y[i]}`]));
};
const node = (flow: FlowDocument, id: string): FlowNode => {
  const found = flow.nodes.find((n) => n.id === id);
  if (!found) throw new Error(id);
  return found;
};

const HAND = readFileSync('test/corpus/good/comments-and-extras.wsflow.yaml', 'utf8');

describe('updateFlowYaml', () => {
  it('saves an unchanged flow byte for byte', () => {
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expect(updateFlowYaml(text, load(text)), file).toBe(text);
    }
  });

  it('restores the exact bytes after a change and its undo (no normalisation of untouched lines)', () => {
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const changed = load(text);
      changed.listener.port = 4321;
      node(changed, changed.nodes[0]?.id ?? '').label = 'changed';
      const saved = updateFlowYaml(text, changed);
      expect(saved, file).not.toBe(text);
      expect(load(saved), file).toEqual(changed);
      expect(updateFlowYaml(saved, load(text)), file).toBe(text);
    }
  });

  it('changes only the line of a changed field, keeping comments and odd spacing elsewhere', () => {
    const flow = load(HAND);
    flow.listener.port = 8082;
    expect(changedLines(HAND, updateFlowYaml(HAND, flow))).toEqual(['8:   port: 8081 ->   port: 8082']);
    const code = load(HAND);
    node(code, 'echo').code = (node(code, 'echo').code as string).replace('conn.send(text)', 'conn.send(text.toUpperCase())');
    expect(changedLines(HAND, updateFlowYaml(HAND, code))).toEqual(['27:         conn.send(text); ->         conn.send(text.toUpperCase());']);
    const name = load(HAND);
    name.name = 'echo-two';
    expect(changedLines(HAND, updateFlowYaml(HAND, name))).toEqual(['5: name: echo-notes   # the machine name -> name: echo-two # the machine name']);
  });

  it('keeps unknown keys at every level and drops only what was removed', () => {
    const flow = load(HAND);
    flow.nodes = flow.nodes.filter((n) => n.id !== 'echo');
    flow.edges = flow.edges.filter((e) => e.to !== 'echo');
    const saved = updateFlowYaml(HAND, flow);
    for (const kept of ['owner: team-sockets', 'note: behind the ingress', 'ticket: WS-42', 'reviewed: true', '{ from: up, to: svc, note: main route }', '# The entry point.', '# echoes everything']) {
      expect(saved).toContain(kept);
    }
    expect(saved).not.toContain('Sends the text straight back');
    expect(saved).not.toContain('to: echo');
    expect(load(saved)).toEqual(flow);
  });

  it('appends new nodes as blocks with block-scalar code, new edges in flow style, new keys in types.ts order', () => {
    const flow = load(HAND);
    node(flow, 'svc').maxPayload = 1024;
    node(flow, 'svc').position = { x: 10, y: 20 };
    flow.nodes.push({ id: 'bye', type: 'onClose', code: 'export default function onClose() {}\n', position: { x: 1, y: 2 } });
    flow.edges.push({ from: 'svc', to: 'bye' });
    const saved = updateFlowYaml(HAND, flow);
    expect(load(saved)).toEqual(flow);
    // Known keys go before the first later known key (here none), so after the user's own keys.
    expect(saved).toContain('  - id: svc   # echoes everything\n    type: service\n    reviewed: true\n    position: { x: 10, y: 20 }\n    maxPayload: 1024\n');
    expect(saved).toContain('\n  - id: bye\n    type: onClose\n    position: { x: 1, y: 2 }\n    code: |\n      export default function onClose() {}\n');
    expect(saved).toContain('  - { from: svc, to: bye }\n');
    // Everything that was there is still there, in order.
    const before = HAND.split('\n').filter((l) => l.trim() !== '');
    const after = saved.split('\n');
    let at = 0;
    for (const line of after) if (line === before[at]) at++;
    expect(at).toBe(before.length);
  });

  it('writes code as a block scalar even when it was a quoted string', () => {
    const text = `wsflow: 1\nname: q\nlistener: { port: 1 }\nnodes:\n  - id: h\n    type: onText\n    code: "export default function () {}"\nedges: []\n`;
    const flow = load(text);
    node(flow, 'h').code = 'export default function (conn: Connection) {\n  conn.send("hi");\n}\n';
    const saved = updateFlowYaml(text, flow);
    expect(saved).toContain('    code: |\n      export default function (conn: Connection) {\n        conn.send("hi");\n      }\n');
    expect(load(saved)).toEqual(flow);
  });

  it('matches nodes by id when they are reordered, keeping each node with its comment', () => {
    const flow = load(HAND);
    flow.nodes.reverse();
    const saved = updateFlowYaml(HAND, flow);
    expect(load(saved).nodes.map((n) => n.id)).toEqual(['echo', 'svc', 'up']);
    expect(saved.indexOf('# The entry point.')).toBeLessThan(saved.indexOf('- id: up'));
    expect(saved.indexOf('# The entry point.')).toBeGreaterThan(saved.indexOf('- id: svc'));
  });
});

describe('newFlowYaml', () => {
  it('writes the canonical layout that reads back to the same flow', () => {
    for (const file of files) {
      const flow = load(readFileSync(file, 'utf8'));
      const text = newFlowYaml(flow);
      expect(text.startsWith('# yaml-language-server: $schema=../runtime/model/wsflow.schema.json\n')).toBe(true);
      expect(load(text), file).toEqual(flow);
      expect(parseFlow(text, file, { components: componentTextsSync(text, file) }).problems, file).toEqual([]);
      // Code is a literal block, edges are one flow mapping per line.
      expect(text).not.toMatch(/code: ["']/);
      expect(text).toMatch(/\nedges:\n( {2}- \{ from: [^\n]+ \}\n)+/);
    }
    expect(updateFlowYaml(undefined, load(HAND), { schemaRef: 'wsflow.schema.json' })).toMatch(/^# yaml-language-server: \$schema=wsflow\.schema\.json\n/);
  });
});
