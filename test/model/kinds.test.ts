/**
 * One definition per node kind (docs/architecture.md, "Node kinds"): what derives from the kinds
 * is current, every kind is complete, and adding a kind is its files and nothing else.
 */
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { generate, generateDerived } from '../../build/kinds.ts';
import { KINDS, kindOf } from '../../runtime/model/registry.ts';
import { CONNECTOR_RUNTIMES } from '../../runtime/connectors/kinds/index.ts';

const ROOT = join(import.meta.dirname, '../..');

describe('derived from the node kinds', () => {
  it('the registry lists, the schema node definition and the docs tables are current (npm run kinds)', async () => {
    const files = [...(await generate(ROOT)), ...(await generateDerived(ROOT))];
    expect(files.map((f) => f.path)).toEqual(expect.arrayContaining(['runtime/model/kinds/index.ts', 'runtime/connectors/kinds/index.ts', 'runtime/model/wsflow.schema.json', 'docs/lowcode.md']));
    for (const f of files) expect(f.actual, `${f.path} is stale: run npm run kinds`).toBe(f.expected);
  });

  it('every chain step compiles, every binding has a runtime, every runtime a kind', () => {
    const runtimes = new Set(CONNECTOR_RUNTIMES.map((r) => r.id));
    for (const kind of KINDS) {
      if (kind.chain) expect(kind.emit, `${kind.id} emit`).toBeTypeOf('function');
      if (kind.binding) expect(runtimes.has(kind.id), `${kind.id} runtime`).toBe(true);
      expect(kind.icon.length, `${kind.id} icon`).toBeGreaterThan(0);
      for (const field of kind.summary ?? []) expect(Object.keys(kind.fields), `${kind.id} summary`).toContain(field);
    }
    for (const id of runtimes) expect(kindOf(id)?.binding, `runtime ${id}`).toBe(true);
  });
});

describe('adding a kind', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wsflow-kind-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is one model file plus one runtime file: generated lists, schema, validation, compile, palette and run all pick it up', () => {
    for (const part of ['runtime', 'build', 'docs', 'renderer/src/lowcode/palette-items.ts']) cpSync(join(ROOT, part), join(dir, part), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    // A throwaway chain step that upper-cases into a var, and a throwaway binding that greets.
    writeFileSync(
      join(dir, 'runtime/model/kinds/shout.ts'),
      `import { CONNECTION_EVENTS, NEXT, defineKind } from '../node-kind.ts';
export default defineKind({
  id: 'shout', title: 'Shout', category: 'action', group: 'Data', order: 9, icon: '!', help: 'Upper-cases a text into vars.NAME.',
  fields: { text: { kind: 'template', required: true, help: 'What to shout.' }, into: { kind: 'name', default: 'loud', help: 'The variable.' } },
  ports: [NEXT], chain: CONNECTION_EVENTS, summary: ['text'],
  emit(e) { e.line('vars.' + e.str('into', 'loud') + ' = (', e.t('text'), ').toUpperCase();'); },
});
`,
    );
    writeFileSync(
      join(dir, 'runtime/model/kinds/greeter.ts'),
      `import { defineKind } from '../node-kind.ts';
export default defineKind({
  id: 'greeter', title: 'Greeter', category: 'connector', group: 'Integration', order: 9, icon: '☺', help: 'Greets each connection.',
  fields: { greeting: { kind: 'template', required: true, help: 'The greeting.' } }, binding: true, summary: ['greeting'],
});
`,
    );
    writeFileSync(
      join(dir, 'runtime/connectors/kinds/greeter.ts'),
      `import greeter from '../../model/kinds/greeter.ts';
import { renderTemplate } from '../../model/template.ts';
import { defineRuntime } from '../runtime-kind.ts';
export default defineRuntime(greeter, {
  bind(link, node, scope) { link.send(renderTemplate(node.greeting, scope), false); return { closed: () => undefined }; },
});
`,
    );
    execFileSync(process.execPath, ['--import', 'tsx', 'build/kinds.ts'], { cwd: dir, stdio: 'pipe' });
    // The copy now validates, compiles, lists, schemas and serves both kinds (a child process: its own module graph).
    writeFileSync(
      join(dir, 'flow.wsflow.yaml'),
      [
        'wsflow: 1',
        'name: t',
        'listener: { port: 1 }',
        'nodes:',
        '  - { id: up, type: upgrader }',
        '  - { id: svc, type: service }',
        "  - { id: hi, type: greeter, greeting: 'hello ${conn.id}' }",
        '  - { id: on-text, type: onText }',
        "  - { id: s, type: shout, text: '${text}' }",
        '  - { id: r, type: reply, value: vars.loud }',
        'edges:',
        '  - { from: up, to: svc }',
        '  - { from: svc, to: hi }',
        '  - { from: svc, to: on-text }',
        '  - { from: on-text, to: s }',
        '  - { from: s, to: r }',
        '',
      ].join('\n'),
    );
    const probe = `
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import WebSocket from 'ws';
import { validateFlowText } from './runtime/check/index.ts';
import { compileChains } from './runtime/lowcode/index.ts';
import { compileFlow, startFlow } from './runtime/engine/index.ts';
import { createConnectors } from './runtime/connectors/index.ts';
import { paletteItems } from './renderer/src/lowcode/palette-items.ts';
const text = readFileSync('flow.wsflow.yaml', 'utf8');
const flow = parse(text);
const broken = text.replace("greeting: 'hello \${conn.id}'", 'nothing: 1');
const running = await startFlow(await compileFlow(flow), { port: 0, connectors: createConnectors });
const ws = new WebSocket(running.url.replace(/\\/$/, '') + '/');
const heard = [];
await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error('no messages within 10 s: ' + JSON.stringify(heard))), 10_000);
  ws.on('message', (m) => { heard.push(String(m)); if (heard.length === 1) ws.send('hey'); if (heard.length === 2) { clearTimeout(timer); resolve(); } });
  ws.on('error', reject);
});
ws.close();
await running.stop({ drainTimeoutMs: 0 });
const schema = JSON.parse(readFileSync('runtime/model/wsflow.schema.json', 'utf8'));
console.log(JSON.stringify({
  problems: (await validateFlowText(text, 'flow.wsflow.yaml')).problems.map((p) => p.code + ' ' + (p.nodeId ?? '')),
  brokenProblems: (await validateFlowText(broken, 'flow.wsflow.yaml')).problems.map((p) => p.code + ' ' + (p.nodeId ?? '')),
  code: compileChains(flow)[0]?.code ?? '',
  palette: paletteItems().map((i) => i.type),
  schemaTypes: schema.definitions.node.properties.type.enum,
  heard,
}));
`;
    writeFileSync(join(dir, 'probe.ts'), probe);
    const out = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', 'probe.ts'], { cwd: dir, encoding: 'utf8' })) as {
      problems: string[];
      brokenProblems: string[];
      code: string;
      palette: string[];
      schemaTypes: string[];
      heard: string[];
    };
    expect(out.palette).toEqual(expect.arrayContaining(['shout', 'greeter']));
    expect(out.schemaTypes).toEqual(expect.arrayContaining(['shout', 'greeter']));
    expect(out.code).toContain('vars.loud = (`${text}`).toUpperCase();');
    expect(out.problems.filter((p) => p.startsWith('WSF_'))).toEqual([]);
    // Without its required field the greeter is refused, located on its node.
    expect(out.brokenProblems).toContain('WSF_CONNECTOR_FIELD_MISSING hi');
    // Served: the binding greets each connection, the chain shouts back.
    expect(out.heard[0]).toMatch(/^hello \S+/);
    expect(out.heard[1]).toBe('HEY');
  }, 120_000);
});
