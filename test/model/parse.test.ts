import { describe, expect, it } from 'vitest';
import { parseFlow } from '../../runtime/model/parse.ts';

const FLOW = `# a comment
wsflow: 1
name: demo
listener: { port: 9090 }
nodes:
  - id: up
    type: upgrader
    upgradePath: "/{name}"
  - id: svc
    type: service
  - id: h
    type: onText
    code: |-
      export default function (conn: Connection, text: string) {
        conn.send(text);
      }
  - id: h2
    type: onClose
    code: |2
        export default function () {}
edges:
  - { from: up, to: svc }
  - { from: svc, to: h }
`;

describe('parseFlow', () => {
  it('parses a flow and locates fields by path', () => {
    const { flow, problems, locate } = parseFlow(FLOW, 'f.yaml');
    expect(flow?.name).toBe('demo');
    expect(locate(['name'])).toEqual({ line: 3, col: 7 });
    expect(locate(['listener', 'port'])).toEqual({ line: 4, col: 19 });
    expect(locate(['nodes', 1, 'id'])).toEqual({ line: 9, col: 9 });
    expect(locate(['nodes', 1])).toEqual({ line: 9, col: 5 });
    expect(locate(['edges', 1, 'to'])).toEqual({ line: 23, col: 22 });
    // A missing field points at its closest existing parent.
    expect(locate(['nodes', 1, 'code'])).toEqual({ line: 9, col: 5 });
    expect(locate(['settings', 'handlerBudgetMs'])).toEqual({ line: 2, col: 1 });
    // Only the handler without a service is wrong here.
    expect(problems.map((p) => [p.code, p.nodeId])).toEqual([['WSF_HANDLER_NO_SERVICE', 'h2']]);
  });

  it('maps positions inside block and quoted scalars to the file', () => {
    const { locate } = parseFlow(FLOW, 'f.yaml');
    // `conn.send` is snippet line 2, column 3; the block starts on line 14, indented by 6.
    expect(locate(['nodes', 2, 'code'], { line: 2, col: 3 })).toEqual({ line: 15, col: 9 });
    expect(locate(['nodes', 2, 'code'], { line: 1, col: 1 })).toEqual({ line: 14, col: 7 });
    // Explicit indentation indicator `|2` under a key indented by 4.
    expect(locate(['nodes', 3, 'code'], { line: 1, col: 1 })).toEqual({ line: 20, col: 7 });
    // Double-quoted scalar: the quote is column 18, so value column 2 (`{`) is file column 20.
    expect(locate(['nodes', 0, 'upgradePath'], { line: 1, col: 2 })).toEqual({ line: 8, col: 20 });
  });

  it('reports YAML syntax errors with their location and stops there', () => {
    const { flow, problems } = parseFlow('wsflow: 1\nname: [a, b\nlistener: {}\n', 'bad.yaml');
    expect(flow).toBeUndefined();
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatchObject({ code: 'WSF_YAML_SYNTAX', file: 'bad.yaml', severity: 'error' });
    expect(problems[0]?.line).toBeGreaterThanOrEqual(2);
    expect(problems[0]?.message).toMatch(/^YAML syntax error: /);
  });

  it('points at the bracket or quote that was never closed, once per line', () => {
    const at = (text: string) => parseFlow(text, 'f').problems.map((p) => `${p.line}:${p.col} ${p.message}`);
    expect(at('wsflow: 1\nlistener: { port: 9090\nnodes: []\n')).toEqual(["2:11 YAML syntax error: this '{' is never closed; close the mapping with '}'."]);
    expect(at('wsflow: 1\nx: [a, { b: 1 }\nnodes: []\n')).toEqual(["2:4 YAML syntax error: this '[' is never closed; close the list with ']'."]);
    expect(at('wsflow: 1\nlabel: "ok"\nname: "demo\nnodes: []\n')).toEqual(['3:7 YAML syntax error: the quote " opened here is never closed.']);
    expect(at('nodes:\n  - id: up\n   type: upgrader\n')).toHaveLength(1);
  });

  it('reports duplicate keys but still checks the rest', () => {
    const { flow, problems } = parseFlow('wsflow: 1\nname: a\nname: b\nlistener: { port: 99999 }\nnodes: []\nedges: []\n', 'd.yaml');
    expect(flow).toBeDefined();
    expect(problems.map((p) => [p.code, p.line, p.col])).toEqual([
      ['WSF_YAML_DUPLICATE_KEY', 3, 1],
      ['WSF_PORT_INVALID', 4, 19],
    ]);
    expect(problems[0]?.message).toContain("'name' appears twice");
  });

  it('reports an empty file and a non-mapping document', () => {
    expect(parseFlow('# nothing\n', 'e.yaml').problems.map((p) => p.code)).toEqual(['WSF_DOC_EMPTY']);
    expect(parseFlow('- a\n- b\n', 'l.yaml').problems.map((p) => [p.code, p.line])).toEqual([['WSF_DOC_NOT_MAPPING', 1]]);
    expect(parseFlow('just text', 's.yaml').problems.map((p) => p.code)).toEqual(['WSF_DOC_NOT_MAPPING']);
  });

  it('keeps YAML warnings as warnings', () => {
    const { problems } = parseFlow('wsflow: 1\nname: !custom demo\nlistener: { port: 1 }\nnodes: []\nedges: []\n', 'w.yaml');
    expect(problems.map((p) => [p.severity, p.code])).toEqual([['warning', 'WSF_YAML_WARNING']]);
  });

  it('counts lines correctly with CRLF line endings', () => {
    const { locate, problems } = parseFlow(FLOW.replace(/\n/g, '\r\n'), 'crlf.yaml');
    expect(locate(['edges', 1, 'to'])).toEqual({ line: 23, col: 22 });
    expect(locate(['nodes', 2, 'code'], { line: 2, col: 3 })).toEqual({ line: 15, col: 9 });
    expect(problems.map((p) => p.code)).toEqual(['WSF_HANDLER_NO_SERVICE']);
  });
});
