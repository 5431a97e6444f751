/**
 * The baseline of the scale test, run in the page: bare React Flow (default nodes, background,
 * controls, minimap) showing the same 500 nodes and 400 edges, fitted once every node is measured.
 * Marks `bare:nodes-rendered` and `bare:fit-view` as the designer marks `wsflow:*`. Bundled by
 * bare-react-flow-page.ts; written without JSX so the browser tests' tsconfig covers it.
 */
import { createElement as h, useEffect } from 'react';
import { createRoot } from 'react-dom/client';
import { Background, Controls, MiniMap, ReactFlow, ReactFlowProvider, useNodesInitialized, useReactFlow, type Edge, type Node } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { bigFlow } from './big-flow.ts';

const flow = bigFlow();
const nodes: Node[] = flow.nodes.map((n) => ({ id: n.id, position: n.position ?? { x: 0, y: 0 }, data: { label: `${n.type} ${n.id}` } }));
const edges: Edge[] = flow.edges.map((e) => ({ id: `${e.from}->${e.to}`, source: e.from, target: e.to }));

function FitOnce() {
  const initialized = useNodesInitialized();
  const rf = useReactFlow();
  useEffect(() => {
    if (!initialized) return;
    performance.mark('bare:nodes-rendered');
    void rf.fitView({ padding: 0.15, maxZoom: 1.2, duration: 0 }).then(() => performance.mark('bare:fit-view'));
  }, [initialized, rf]);
  return null;
}

function App() {
  return h(
    'div',
    { style: { width: '100vw', height: '100vh' } },
    h(ReactFlowProvider, null, h(ReactFlow, { defaultNodes: nodes, defaultEdges: edges }, h(Background), h(Controls), h(MiniMap), h(FitOnce))),
  );
}

const root = document.getElementById('root');
if (root) createRoot(root).render(h(App));
