/**
 * An action node on the canvas: its kind, id, the gist of its main field, one input on the left
 * and one output handle per port on the right (`then`/`else`, switch cases), labelled.
 */
import { memo } from 'react';
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { ACTION_SPECS, portsOf } from '../../../runtime/model/actions.ts';
import { isActionType, type ActionType } from '../../../runtime/model/types.ts';
import { branchingHeight } from '../canvas/card-geometry.ts';
import type { CardNode } from '../canvas/FlowNodes.tsx';
import { ACTION_ICONS } from './palette-items.ts';
import './lowcode.css';

const MAIN_FIELD: Record<ActionType, string[]> = {
  if: ['condition'],
  switch: ['value'],
  reply: ['message', 'value'],
  broadcast: ['message', 'value'],
  sendTo: ['message', 'value'],
  set: ['name', 'key'],
  close: ['code', 'reason'],
  log: ['message'],
  delay: ['ms'],
  code: ['code'],
  accept: ['firstMessage'],
  reject: ['status'],
  http: ['url'],
  mqttOut: ['topic'],
  redisOut: ['channel'],
};

export const ActionCard = memo(function ActionCard({ data, selected }: NodeProps<CardNode>) {
  const node = data.node;
  const type = isActionType(node.type) ? node.type : 'code';
  const raw = node as unknown as Record<string, unknown>;
  const ports = portsOf(type, raw);
  const branching = ports.length > 1;
  const field = MAIN_FIELD[type].find((f) => raw[f] !== undefined);
  const gist = field === undefined ? '' : String(raw[field]).split('\n')[0];
  const cls = ['card', 'card--action', selected ? 'card--selected' : '', data.firing ? 'card--firing' : '', data.errors ? 'card--error' : ''].filter(Boolean).join(' ');
  return (
    <div className={cls} data-node-id={node.id} style={{ minHeight: branching ? branchingHeight(ports.length) : undefined }}>
      <Handle type="target" position={Position.Left} className="handle handle--target" />
      <div className="card__head">
        <span className="card__icon" aria-hidden>{ACTION_ICONS[type]}</span>
        <span className="card__kind">{ACTION_SPECS[type].title.toLowerCase()}</span>
        <span className="card__id">{node.label ?? node.id}</span>
        {data.errors > 0 && <span className="card__badge card__badge--error" title={data.firstError} data-testid="node-badge">{data.errors}</span>}
      </div>
      <code className="card__code" title={gist}>{gist || '—'}</code>
      {branching
        ? ports.map((port, i) => (
            <Handle
              key={port}
              id={port}
              type="source"
              position={Position.Right}
              className="handle handle--source handle--port"
              data-testid={`port-${port}`}
              style={{ top: `${((i + 1) * 100) / (ports.length + 1)}%` }}
            >
              <span className="handle__label">{port}</span>
            </Handle>
          ))
        : ports.length > 0 && <Handle type="source" position={Position.Right} className="handle handle--source" />}
    </div>
  );
});
