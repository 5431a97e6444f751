import { CHAIN_EVENTS, NEXT, defineKind } from '../node-kind.ts';

/**
 * Ends a path of a component at a named output (docs/components.md). Inlined, it is the point
 * where the using node's edge for that output goes on, so it compiles to no statement.
 */
export default defineKind({
  id: 'output',
  title: 'Output',
  category: 'action',
  group: 'Advanced',
  order: 10,
  icon: '⇥',
  help: 'In a component file: ends a path at the named output, which is a port of every node that uses the component.',
  fields: {
    name: { kind: 'name', required: true, help: 'The output\'s name, a port of the component node: `done`.' },
  },
  ports: [NEXT],
  chain: CHAIN_EVENTS,
  summary: ['name'],
  emit(e) {
    e.line(`// output ${JSON.stringify(e.str('name', '?'))}`);
  },
});
