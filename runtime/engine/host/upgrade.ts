/**
 * Upgrade snippets in the handler host: run one for a pending handshake and answer with its
 * decision, sanitized (the main thread trusts only the shape checked here).
 */
import * as P from './protocol.ts';
import type { SnippetFailure, UpgradeInfo } from './protocol.ts';
import { normalizeData } from './objects.ts';
import type { NodeRt } from './state.ts';
import { record, sink } from './outbox.ts';
import { invoke } from './invoke.ts';


function sanitizeDecision(value: unknown): unknown {
  if (value === undefined || value === null) return { accept: true };
  if (typeof value !== 'object') throw new TypeError('an upgrade snippet must return { accept: true, ... } or { accept: false, ... }');
  const d = value as Record<string, unknown>;
  if (d.accept === false) {
    return { accept: false, status: typeof d.status === 'number' ? d.status : undefined, reason: d.reason === undefined ? undefined : typeof d.reason === 'string' ? d.reason : JSON.stringify(d.reason) };
  }
  if (d.accept !== true && d.accept !== undefined) throw new TypeError('`accept` must be true or false');
  const attrs = d.attributes === undefined ? undefined : JSON.stringify(d.attributes);
  return {
    accept: true,
    attrs,
    protocol: typeof d.protocol === 'string' ? d.protocol : undefined,
    firstMessage: d.firstMessage === undefined ? undefined : normalizeData(d.firstMessage),
  };
}

export function runUpgrade(node: NodeRt | undefined, reqId: number, info: UpgradeInfo): void {
  if (!node) {
    sink.push2(P.ACT_UPGRADE_RESULT, reqId, { ok: true, decision: { accept: true } } satisfies P.UpgradeResult);
    return;
  }
  const req = Object.freeze({ ...info, protocols: Object.freeze(info.protocols) });
  let decision: unknown;
  let badDecision: SnippetFailure | null = null;
  const capture = (value: unknown) => {
    try {
      decision = sanitizeDecision(value);
    } catch (error) {
      badDecision = { code: 'WSF_UPGRADE_DECISION', nodeId: node.id, message: (error as Error).message };
    }
  };
  const reply = (failure: SnippetFailure | null) => {
    const fail = failure ?? badDecision;
    if (!failure && badDecision) record({ t: Date.now(), nodeId: node.id, connectionId: '', event: 'upgrade', durationMs: 0, logs: [], error: badDecision });
    sink.push2(P.ACT_UPGRADE_RESULT, reqId, (fail ? { ok: false, error: fail } : { ok: true, decision }) satisfies P.UpgradeResult);
  };
  const outcome = invoke(node, 2, reqId, '', 2, req, node.ctx, undefined, undefined, capture);
  if (outcome instanceof Promise) void outcome.then(reply);
  else reply(outcome);
}
