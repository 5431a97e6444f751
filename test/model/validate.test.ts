import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { componentTextsSync } from '../helpers/components.ts';
import { parseFlow } from '../../runtime/model/parse.ts';
import type { Problem } from '../../runtime/model/types.ts';

const HEAD = 'wsflow: 1\nname: demo\nlistener: { port: 9090 }\n';
const codes = (problems: Problem[]) => problems.map((p) => p.code);
const check = (text: string) => parseFlow(text, 'x.wsflow.yaml').problems;

const UP = (id: string, extra = '') => `  - id: ${id}\n    type: upgrader\n${extra}`;
const SVC = (id: string) => `  - id: ${id}\n    type: service\n`;
const H = (id: string, type = 'onText') => `  - id: ${id}\n    type: ${type}\n    code: |\n      export default function () {}\n`;
const E = (pairs: [string, string][]) => `edges:\n${pairs.map(([f, t]) => `  - { from: ${f}, to: ${t} }\n`).join('')}`;

describe('validateStructure (through parseFlow)', () => {
  it('accepts the samples and the good corpus without problems', () => {
    const files = [
      ...readdirSync('samples').filter((f) => f.endsWith('.wsflow.yaml')).map((f) => `samples/${f}`),
      ...readdirSync('test/corpus/good').map((f) => `test/corpus/good/${f}`),
    ];
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expect(parseFlow(text, file, { components: componentTextsSync(text, file) }).problems, file).toEqual([]);
    }
  });

  it('reports every problem at once, each located with file, line, col and node id', () => {
    const text = `${HEAD.replace('9090', '0')}nodes:\n${UP('up', '    upgradePath: /{a-b}/{a-b\n')}${UP('up')}${SVC('svc')}${H('h')}${H('h')}  - id: z\n    type: magic\n${E([
      ['up', 'h'],
      ['svc', 'ghost'],
    ])}`;
    const problems = check(text);
    expect(new Set(codes(problems))).toEqual(
      new Set([
        'WSF_PORT_INVALID',
        'WSF_PARAM_NAME_INVALID',
        'WSF_PATH_INVALID',
        'WSF_NODE_ID_DUPLICATE',
        'WSF_NODE_TYPE_UNKNOWN',
        'WSF_EDGE_ILLEGAL',
        'WSF_EDGE_DANGLING',
        'WSF_UPGRADER_NO_SERVICE',
        'WSF_SERVICE_NO_UPGRADER',
        'WSF_HANDLER_NO_SERVICE',
      ]),
    );
    for (const p of problems) {
      expect(p.file).toBe('x.wsflow.yaml');
      expect(p.line).toBeGreaterThan(0);
      expect(p.col).toBeGreaterThan(0);
      expect(p.message).toMatch(/[.?)]$/);
    }
    // Sorted by line.
    const lines = problems.map((p) => p.line ?? 0);
    expect([...lines].sort((a, b) => a - b)).toEqual(lines);
    expect(problems.find((p) => p.code === 'WSF_NODE_TYPE_UNKNOWN')).toMatchObject({ nodeId: 'z', field: 'type' });
  });

  it('treats paths that differ only in parameter names or slashes as the same route', () => {
    const dup = (a: string, b: string) =>
      codes(check(`${HEAD}nodes:\n${UP('a', a)}${UP('b', b)}${SVC('s')}${E([['a', 's'], ['b', 's']])}`)).includes('WSF_PATH_DUPLICATE');
    expect(dup('    upgradePath: /a/{x}\n', '    upgradePath: /a/{y}\n')).toBe(true);
    expect(dup('    basePath: /chat\n    upgradePath: /{name}\n', '    upgradePath: /chat/{user}/\n')).toBe(true);
    expect(dup('', '    basePath: /\n')).toBe(true);
    expect(dup('    upgradePath: /a/{x}\n', '    upgradePath: /b/{x}\n')).toBe(false);
    expect(dup('    upgradePath: /a/{x}\n', '    upgradePath: /a/{x}/c\n')).toBe(false);
  });

  it('checks path templates, parameter names, query collisions and defaults', () => {
    const upgrader = (extra: string) => check(`${HEAD}nodes:\n${UP('u', extra)}${SVC('s')}${E([['u', 's']])}`);
    expect(codes(upgrader('    basePath: chat\n'))).toEqual(['WSF_PATH_INVALID']);
    expect(codes(upgrader('    upgradePath: /{x\n'))).toEqual(['WSF_PATH_INVALID']);
    expect(codes(upgrader('    upgradePath: /x}\n'))).toEqual(['WSF_PATH_INVALID']);
    expect(codes(upgrader('    upgradePath: /{9lives}\n'))).toEqual(['WSF_PARAM_NAME_INVALID']);
    expect(codes(upgrader('    upgradePath: /{}\n'))).toEqual(['WSF_PARAM_NAME_INVALID']);
    expect(codes(upgrader('    basePath: /{id}\n    upgradePath: /{id}\n'))).toEqual(['WSF_PARAM_DUPLICATE']);
    expect(codes(upgrader('    upgradePath: /{id}\n    query: { id: { type: string } }\n'))).toEqual(['WSF_QUERY_PARAM_COLLISION']);
    expect(codes(upgrader('    query: { n: { type: integer, default: 1.5 } }\n'))).toEqual(['WSF_PARAM_DEFAULT_TYPE']);
    expect(codes(upgrader('    upgradePath: /*\n'))).toEqual([]);
    expect(codes(upgrader('    basePath: /teams/{team_1}\n    upgradePath: /{room}\n    query: { user: { type: string, default: anon } }\n'))).toEqual([]);
    // The column points into the path: `{9lives}` starts at value column 2.
    const [bad] = upgrader('    upgradePath: /{9lives}\n');
    expect(bad).toMatchObject({ line: 7, col: 19, field: 'upgradePath', nodeId: 'u' });
  });

  it('enforces the graph rules', () => {
    const graph = (nodes: string, edges: [string, string][]) => codes(check(`${HEAD}nodes:\n${nodes}${E(edges)}`));
    expect(graph(UP('u') + SVC('s') + H('h'), [['u', 's'], ['s', 'h']])).toEqual([]);
    expect(graph(UP('u') + SVC('s') + SVC('t'), [['u', 's'], ['u', 't']])).toEqual(['WSF_UPGRADER_MULTIPLE_SERVICES']);
    expect(graph(UP('u') + SVC('s') + H('h') + H('h2'), [['u', 's'], ['s', 'h'], ['s', 'h2']])).toEqual(['WSF_HANDLER_DUPLICATE_EVENT']);
    expect(graph(UP('u') + SVC('s') + H('h') + H('c', 'onClose'), [['u', 's'], ['s', 'h'], ['s', 'c']])).toEqual([]);
    expect(graph(UP('u') + SVC('s') + H('h'), [['u', 's'], ['s', 'h'], ['h', 's']])).toEqual(['WSF_EDGE_ILLEGAL']);
    expect(graph(UP('u') + SVC('s'), [['u', 's'], ['u', 's']])).toEqual(['WSF_EDGE_DUPLICATE']);
    expect(graph(UP('u') + SVC('s'), [['u', 's'], ['s', 's']])).toEqual(['WSF_EDGE_ILLEGAL']);
    expect(graph(UP('u') + SVC('s') + H('h'), [['u', 's']])).toEqual(['WSF_HANDLER_NO_SERVICE']);
  });

  it('survives data of the wrong shape without throwing', () => {
    for (const text of ['wsflow: 1\nnodes: 5\nedges: {}\n', 'wsflow: 1\nnodes: [1, [2], null]\nedges: [x, null]\n', 'listener: 5\n', 'wsflow: 1\nnodes:\n  - { id: 5, type: 7 }\n']) {
      const problems = check(text);
      expect(problems.every((p) => p.line !== undefined && p.code.startsWith('WSF_'))).toBe(true);
    }
  });
});
