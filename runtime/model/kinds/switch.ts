import { CHAIN_EVENTS, defineKind, type Part } from '../node-kind.ts';

export default defineKind({
  id: 'switch',
  title: 'Switch',
  category: 'action',
  group: 'Flow',
  order: 2,
  icon: '⋔',
  help: 'Goes on at the port named like the case equal to the value, else at `default`.',
  fields: {
    value: { kind: 'expr', required: true, help: 'The value to compare, e.g. `json?.type`.' },
    cases: { kind: 'list', required: true, help: 'Case values (strings or numbers); each is an output port.' },
  },
  ports: (node) => [...(Array.isArray(node.cases) ? node.cases.map((c) => String(c)) : []), 'default'],
  chain: CHAIN_EVENTS,
  summary: ['value'],
  check(node, c) {
    if (!Array.isArray(node.cases)) return;
    const seen = new Set<string>();
    for (const value of node.cases) {
      const name = String(value);
      if (name === 'default' || seen.has(name)) c.error('conflict', `Case '${name}' ${name === 'default' ? 'is the name of the default port' : 'is listed twice'}.`, 'cases');
      seen.add(name);
    }
  },
  emit(e) {
    const v = `value${e.uid}`;
    e.line(`const ${v} = `, e.x('value', 'undefined'), ';');
    const cases = Array.isArray(e.raw.cases) ? e.raw.cases : [];
    let first = true;
    for (const c of cases) {
      const port = String(c);
      if (!e.wired(port)) continue;
      const value: Part = typeof c === 'number' ? String(c) : e.lit('cases', port);
      e.line(first ? 'if (' : '} else if (', v, ' === ', value, ') {');
      first = false;
      e.indent(1);
      e.follow(port);
      e.indent(-1);
    }
    if (e.wired('default')) {
      e.line(first ? '{' : '} else {');
      first = false;
      e.indent(1);
      e.follow('default');
      e.indent(-1);
    }
    if (!first) e.line('}');
  },
});
