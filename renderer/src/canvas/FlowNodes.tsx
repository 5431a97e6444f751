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

export interface CardData extends Record<string, unknown> {
  node: FlowNode;
  errors: number;
  warnings: number;
  firstError?: string;
  firing: boolean;
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
    <span className={`card__badge ${error ? 'card__badge--error' : 'card__badge--warn'}`} title={data.firstError} data-testid="node-badge">
      {error ? data.errors : data.warnings}
    </span>
  );
}

function classes(kind: string, data: CardData, selected: boolean): string {
  return ['card', `card--${kind}`, selected ? 'card--selected' : '', data.firing ? 'card--firing' : '', data.errors ? 'card--error' : ''].filter(Boolean).join(' ');
}

function joinPaths(base?: string, upgrade?: string): string {
  const a = (base ?? '/').replace(/\/+$/, '');
  const b = (upgrade ?? '/').replace(/^\/*/, '/');
  const joined = `${a}${b === '/' ? '' : b}`;
  return joined === '' ? '/' : joined;
}

export const UpgraderCard = memo(function UpgraderCard({ data, selected }: NodeProps<CardNode>) {
  const node = data.node as UpgraderNode;
  const path = joinPaths(node.basePath, node.upgradePath);
  const params = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? '');
  const query = Object.entries(node.query ?? {});
  return (
    <div className={classes('upgrader', data, !!selected)} data-node-id={node.id}>
      <div className="card__head">
        <span className="card__icon" aria-hidden>⇡</span>
        <span className="card__kind">upgrader</span>
        <span className="card__id">{node.label ?? node.id}</span>
        <Badge data={data} />
      </div>
      <div className="card__path" title={path}>{highlightParams(path)}</div>
      {(params.length > 0 || query.length > 0 || node.code) && (
        <div className="card__chips">
          {params.map((p) => <span key={`p-${p}`} className="chip chip--param">{p}</span>)}
          {query.map(([name, spec]) => (
            <span key={`q-${name}`} className="chip chip--query" title={`query ${name}: ${spec.type}${spec.required ? ', required' : ''}`}>
              ?{name}: {spec.type}
            </span>
          ))}
          {node.code && <span className="chip chip--code">upgrade snippet</span>}
        </div>
      )}
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
        <Badge data={data} />
      </div>
      <code className="card__code" title={line}>{line || (data.chained ? 'chain of action nodes →' : '—')}</code>
      {/* A handler may start a chain of action nodes. */}
      <Handle type="source" position={Position.Right} className="handle handle--source" />
    </div>
  );
});

export const NODE_TYPES = { upgrader: UpgraderCard, service: ServiceCard, handler: HandlerCard, action: ActionCard };
