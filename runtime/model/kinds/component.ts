import { CHAIN_EVENTS, defineKind } from '../node-kind.ts';

/**
 * A use of a component file (docs/components.md). It never reaches the chain compiler:
 * runtime/model/component-inline.ts inlines it first, so `emit` only guards a flow that skipped that pass.
 */
export default defineKind({
  id: 'component',
  title: 'Component',
  category: 'action',
  group: 'Advanced',
  order: 9,
  icon: '▣',
  help: 'Runs the chain of a component file (`NAME.wsflow-component.yaml`) with its params; its ports are the component\'s outputs.',
  fields: {
    ref: { kind: 'template', required: true, help: 'The component file, relative to this file: `./format-event.wsflow-component.yaml`.' },
  },
  schema: {
    params: {
      description: 'Values of the component\'s params (string, number or boolean), by name.',
      type: 'object',
      additionalProperties: { type: ['string', 'number', 'boolean'] },
    },
  },
  // The outputs live in the component file; the inliner checks the edges against them. Until
  // then the ports are whatever the node's edges name (`ports` set by the inliner on a failed use).
  ports: (node) => (Array.isArray(node.ports) ? node.ports.map(String) : []),
  chain: CHAIN_EVENTS,
  summary: ['ref'],
  emit(e) {
    e.line(`throw new Error(${JSON.stringify(`component '${e.str('ref', '?')}' was not inlined`)});`);
  },
});
