/**
 * An action or connector node on the canvas, drawn from its kind (runtime/model/kinds/): icon,
 * title, id, the summary of its main field, one input on the left and one output handle per port
 * on the right (`then`/`else`, switch cases), labelled. A connector that is never a chain step
 * has only its input: a service binds it, nothing follows it.
 */
import { memo, useEffect } from 'react';
import { Handle, Position, useUpdateNodeInternals, type NodeProps } from '@xyflow/react';
import { kindOf, summaryOf } from '../../../runtime/model/registry.ts';
import { cardPorts, hasPortRows } from '../canvas/card-geometry.ts';
import { useStudio } from '../store.ts';
import { componentPorts, type ComponentInfo } from './component-files.ts';
import type { CardNode } from '../canvas/FlowNodes.tsx';
import { ConnectorState } from '../run/ConnectorState.tsx';
import { BreakpointMark } from '../debug/BreakpointMark.tsx';
import './lowcode.css';

export const ActionCard = memo(function ActionCard({ data, selected }: NodeProps<CardNode>) {
  const node = data.node;
  const raw = node as unknown as Record<string, unknown>;
  const kind = kindOf(node.type);
  const ports = useCardPorts(raw);
  // A component's ports arrive after its card is drawn (its file is read then): React Flow must
  // measure the new handles before it can attach the edges that leave them.
  const updateInternals = useUpdateNodeInternals();
  const portKey = node.type === 'component' ? ports.join('\n') : '';
  useEffect(() => {
    if (portKey !== '') updateInternals(node.id);
  }, [portKey, node.id, updateInternals]);
  const branching = hasPortRows(node.type, ports);
  const gist = summaryOf(kind, raw);
  const cls = ['card', 'card--action', kind?.category === 'connector' ? 'card--connector' : '', selected ? 'card--selected' : '', data.firing ? 'card--firing' : '', data.errors ? 'card--error' : '', node.disabled === true ? 'card--disabled' : ''].filter(Boolean).join(' ');
  return (
    <div className={cls} data-node-id={node.id}>
      <Handle type="target" position={Position.Left} className="handle handle--target" />
      <div className="card__head">
        <span className="card__icon" aria-hidden>{kind?.icon ?? '?'}</span>
        <span className="card__kind">{(kind?.title ?? node.type).toLowerCase()}</span>
        <span className="card__id">{node.label ?? node.id}</span>
        <BreakpointMark nodeId={node.id} />
        {data.errors > 0 && (
          // A runtime error (an expression in one of its fields failed while running) is marked ⚡.
          <span className={`card__badge card__badge--error ${data.runtime ? 'card__badge--runtime' : ''}`} title={data.firstError} data-testid="node-badge">
            {data.runtime ? '⚡' : ''}
            {data.errors}
          </span>
        )}
      </div>
      <code className="card__code" title={gist}>{gist || '—'}</code>
      {kind?.category === 'connector' && <ConnectorState nodeId={node.id} />}
      {branching ? (
        // One row per port, its label inside the card (card-geometry.ts places the handles).
        <div className="card__ports">
          {ports.map((port) => (
            <div key={port} className="card__port">
              <span className="card__port-label" title={port}>{port}</span>
              <Handle id={port} type="source" position={Position.Right} className="handle handle--source handle--port" data-testid={`port-${port}`} />
            </div>
          ))}
        </div>
      ) : (
        ports.length > 0 && <Handle type="source" position={Position.Right} className="handle handle--source" />
      )}
    </div>
  );
});

/** A chain step's ports; a component's come from its file (read by the palette) and its edges. */
function useCardPorts(raw: Readonly<Record<string, unknown>>): string[] {
  const isComponent = raw.type === 'component';
  const known = useStudio((s) => (isComponent ? s.components : EMPTY));
  const used = useStudio((s) => (isComponent ? s.flow.edges : NO_EDGES));
  if (!isComponent) return cardPorts(raw);
  const fromEdges = used.filter((e) => e.from === raw.id && typeof e.port === 'string').map((e) => e.port as string);
  return componentPorts(raw.ref, known, fromEdges);
}
const EMPTY: Readonly<Record<string, ComponentInfo>> = {};
const NO_EDGES: readonly { from: string; port?: unknown }[] = [];
