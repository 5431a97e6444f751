/**
 * Node cards on the canvas. Each shows the facts a reader needs without opening the inspector:
 * an upgrader's full path and params, a service's settings, a handler's event and first line of
 * code, plus an error badge and a pulse while the node fires in a live run.
 */
import { memo } from 'react';
import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import type { FlowNode, ServiceNode, UpgraderNode } from '../../../runtime/model/types.ts';
import { ActionCard } from '../lowcode/ActionCard.tsx';
import { firstCodeLine } from '../model/snippets.ts';
import { NodeRunCounts } from '../run/NodeRunCounts.tsx';
import { upgraderChips } from './card-geometry.ts';
import { FrameCard } from './FrameCard.tsx';
import { BreakpointMark } from '../debug/BreakpointMark.tsx';

export interface CardData extends Record<string, unknown> {
  node: FlowNode;
  errors: number;
  warnings: number;
  firstError?: string;
  firing: boolean;
  /** Just added: problems are not shown as errors yet. */
  hint: boolean;
  /** One of the errors was raised by the snippet while running. */
  runtime: boolean;
  /** An event node wired to a chain of action nodes (it has no snippet then). */
  chained?: boolean;
}

export type CardNode = Node<CardData, 'upgrader' | 'service' | 'handler' | 'action'>;

const EVENT_LABEL: Record<string, string> = {
  onOpen: 'on open',
  onText: 'on text',
  onBinary: 'on binary',
  onClose: 'on close',
  onError: 'on error',
};

function Badge({ data }: { data: CardData }) {
  if (data.errors === 0 && data.warnings === 0) return null;
  const error = data.errors > 0;
  return (
    <span
      className={`card__badge ${error ? 'card__badge--error' : 'card__badge--warn'} ${data.runtime ? 'card__badge--runtime' : ''}`}
      title={data.firstError}
      data-testid={data.runtime ? 'node-runtime-badge' : 'node-badge'}
      aria-hidden
    >
      {data.runtime ? '⚡' : ''}
      {error ? data.errors : data.warnings}
    </span>
  );
}

function classes(kind: string, data: CardData, selected: boolean): string {
  return ['card', `card--${kind}`, selected ? 'card--selected' : '', data.firing ? 'card--firing' : '', data.errors ? 'card--error' : '', data.hint ? 'card--fresh' : '', data.node.disabled === true ? 'card--disabled' : ''].filter(Boolean).join(' ');
}

export const UpgraderCard = memo(function UpgraderCard({ data, selected }: NodeProps<CardNode>) {
  const node = data.node as UpgraderNode;
  const { path, chips } = upgraderChips(node);
  return (
    <div className={classes('upgrader', data, !!selected)} data-node-id={node.id}>
      <div className="card__head">
        <span className="card__icon" aria-hidden>⇡</span>
        <span className="card__kind">upgrader</span>
        <span className="card__id">{node.label ?? node.id}</span>
        <Badge data={data} />
      </div>
      <div className="card__path" title={path}>{highlightParams(path)}</div>
      {chips.length > 0 && (
        <div className="card__chips">
          {chips.map((chip) => (
            <span key={chip.key} className={`chip chip--${chip.kind}`} title={chip.title}>
              {chip.text}
            </span>
          ))}
        </div>
      )}
      {node.code && <NodeRunCounts nodeId={node.id} />}
      <Handle type="source" position={Position.Right} className="handle handle--source" />
    </div>
  );
});

function highlightParams(path: string) {
  const parts = path.split(/(\{[^}]+\})/g).filter(Boolean);
  return parts.map((part, i) => (part.startsWith('{') ? <b key={i}>{part}</b> : <span key={i}>{part}</span>));
}

export const ServiceCard = memo(function ServiceCard({ data, selected }: NodeProps<CardNode>) {
  const node = data.node as ServiceNode;
  const facts: string[] = [];
  if (node.subprotocols?.length) facts.push(`protocols: ${node.subprotocols.join(', ')}`);
  if (node.heartbeatMs) facts.push(`heartbeat ${node.heartbeatMs} ms`);
  if (node.idleTimeoutMs) facts.push(`idle ${node.idleTimeoutMs} ms`);
  const messages = (node.messages?.incoming?.length ?? 0) + (node.messages?.outgoing?.length ?? 0);
  if (messages) facts.push(`${messages} message shape${messages > 1 ? 's' : ''}`);
  return (
    <div className={classes('service', data, !!selected)} data-node-id={node.id}>
      <Handle type="target" position={Position.Left} className="handle handle--target" />
      <div className="card__head">
        <span className="card__icon" aria-hidden>◈</span>
        <span className="card__kind">service</span>
        <span className="card__id">{node.label ?? node.id}</span>
        <Badge data={data} />
      </div>
      <div className="card__facts">{facts.length ? facts.join(' · ') : 'WebSocket service'}</div>
      <Handle type="source" position={Position.Right} className="handle handle--source" />
    </div>
  );
});

export const HandlerCard = memo(function HandlerCard({ data, selected }: NodeProps<CardNode>) {
  const node = data.node;
  const line = firstCodeLine(typeof node.code === 'string' ? node.code : '');
  return (
    <div className={classes('handler', data, !!selected)} data-node-id={node.id}>
      <Handle type="target" position={Position.Left} className="handle handle--target" />
      <div className="card__head">
        <span className="card__icon" aria-hidden>ƒ</span>
        <span className="card__kind">{EVENT_LABEL[node.type] ?? node.type}</span>
        <span className="card__id">{node.label ?? node.id}</span>
        <BreakpointMark nodeId={node.id} />
        <Badge data={data} />
      </div>
      <code className="card__code" title={line}>{line || (data.chained ? 'chain of action nodes →' : '—')}</code>
      <NodeRunCounts nodeId={node.id} />
      {/* A handler may start a chain of action nodes. */}
      <Handle type="source" position={Position.Right} className="handle handle--source" />
    </div>
  );
});

export const NODE_TYPES = { upgrader: UpgraderCard, service: ServiceCard, handler: HandlerCard, action: ActionCard, frame: FrameCard };
