/** The generated 500-node flow of the scale test: 100 upgrader -> service -> 3 handlers chains. */
import type { FlowDocument, FlowNode } from '../../runtime/model/types.ts';

export const CHAINS = 100;

export function bigFlow(): FlowDocument {
  const nodes: FlowNode[] = [];
  const edges: FlowDocument['edges'] = [];
  for (let i = 0; i < CHAINS; i++) {
    const y = i * 110;
    nodes.push({ id: `up-${i}`, type: 'upgrader', basePath: `/svc${i}`, upgradePath: '/{room}', position: { x: 0, y } });
    nodes.push({ id: `svc-${i}`, type: 'service', position: { x: 320, y } });
    edges.push({ from: `up-${i}`, to: `svc-${i}` });
    (['onOpen', 'onText', 'onClose'] as const).forEach((event, k) => {
      const id = `h-${i}-${k}`;
      nodes.push({ id, type: event, position: { x: 640 + k * 280, y }, code: `export default function ${event}() {\n  // handler ${i}.${k}\n}\n` });
      edges.push({ from: `svc-${i}`, to: id });
    });
  }
  return { wsflow: 1, name: 'big-flow', listener: { port: 9000 }, nodes, edges };
}
