/**
 * The live state of each connector node of a flow instance, for the designer's cards: whether
 * its broker or backend is connected, and how many messages went each way. A state change is
 * reported at once (it is rare); counts are plain numbers the bindings increment on the hot path
 * and are reported at most every COUNTS_FLUSH_MS, only for nodes whose counts moved.
 */
import type { ConnectorLinkState, ConnectorStateEvent } from '../engine/contracts.ts';
import type { NodeCounts } from './runtime-kind.ts';

export const COUNTS_FLUSH_MS = 500;

interface NodeLive {
  state: ConnectorLinkState;
  reason: string | undefined;
  /** codes of the errors reported since the node was last connected: the recovery ends them */
  outage: Set<string>;
  counts: NodeCounts;
  sent: { in: number; out: number };
}

export class LiveStates {
  private readonly nodes = new Map<string, NodeLive>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly emit: (event: ConnectorStateEvent) => void) {}

  private entry(nodeId: string): NodeLive {
    let node = this.nodes.get(nodeId);
    if (!node) {
      node = { state: 'connecting', reason: undefined, outage: new Set(), counts: { in: 0, out: 0 }, sent: { in: 0, out: 0 } };
      this.nodes.set(nodeId, node);
    }
    return node;
  }

  /** The node's counters; the first call starts the (unref'd) flush timer. */
  counts(nodeId: string): NodeCounts {
    // A snippet's call names no node when it has none: counted nowhere.
    if (nodeId === '') return { in: 0, out: 0 };
    if (!this.timer && !this.closed) {
      this.timer = setInterval(() => this.flush(), COUNTS_FLUSH_MS);
      this.timer.unref();
    }
    return this.entry(nodeId).counts;
  }

  /** A state of the node's link; the same state with the same reason again is not news. */
  set(nodeId: string, state: ConnectorLinkState, reason?: string, code?: string): void {
    if (this.closed) return;
    const fresh = !this.nodes.has(nodeId);
    const node = this.entry(nodeId);
    if (code && state !== 'connected') node.outage.add(code);
    const why = state === 'connected' ? undefined : reason;
    if (!fresh && node.state === state && node.reason === why) return;
    node.state = state;
    node.reason = why;
    let recovered: string[] | undefined;
    if (state === 'connected' && node.outage.size > 0) {
      recovered = [...node.outage];
      node.outage.clear();
    }
    this.send(nodeId, node, recovered);
  }

  private send(nodeId: string, node: NodeLive, recovered?: string[]): void {
    node.sent.in = node.counts.in;
    node.sent.out = node.counts.out;
    this.emit({
      kind: 'connector',
      t: Date.now(),
      nodeId,
      state: node.state,
      ...(node.reason !== undefined ? { reason: node.reason } : {}),
      messagesIn: node.counts.in,
      messagesOut: node.counts.out,
      ...(recovered ? { recovered } : {}),
    });
  }

  flush(): void {
    for (const [nodeId, node] of this.nodes) if (node.counts.in !== node.sent.in || node.counts.out !== node.sent.out) this.send(nodeId, node);
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
