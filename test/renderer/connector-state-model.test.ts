/**
 * The designer's side of a connector's live state: the store's per-node states folded from
 * trace events, and a recovery ending the outage errors that badge the node (no stale red
 * badge once the broker is back), while other errors of the node stay.
 */
import { describe, expect, it } from 'vitest';
import type { ConnectorStateEvent, TraceEvent } from '../../runtime/engine/contracts.ts';
import { runtimeErrorsOf } from '../../renderer/src/model/runtime-errors.ts';
import { connectorStatesOf } from '../../renderer/src/model/connector-states.ts';

const outage = (nodeId: string): TraceEvent => ({ kind: 'engine', t: 1, level: 'error', code: 'WSF_MQTT_UNAVAILABLE', message: 'the MQTT broker is not reachable', nodeId });
const state = (nodeId: string, to: ConnectorStateEvent['state'], extra: Partial<ConnectorStateEvent> = {}): ConnectorStateEvent => ({ kind: 'connector', t: 2, nodeId, state: to, messagesIn: 4, messagesOut: 1, ...extra });

describe('connector state in the designer', () => {
  it('a recovery clears the outage errors of its node only, and keeps other errors', () => {
    const other: TraceEvent = { kind: 'engine', t: 1, level: 'error', code: 'WSF_TEMPLATE_UNRESOLVED', message: 'MQTT_URL is not set', nodeId: 'in' };
    const errors = runtimeErrorsOf([], [outage('in'), outage('out'), other], 1);
    expect(errors.map((e) => `${e.problem.nodeId} ${e.problem.code}`)).toEqual(['in WSF_MQTT_UNAVAILABLE', 'out WSF_MQTT_UNAVAILABLE', 'in WSF_TEMPLATE_UNRESOLVED']);
    // A state change without a recovery (or a count report) changes nothing.
    expect(runtimeErrorsOf(errors, [state('in', 'reconnecting', { reason: 'connection lost' }), state('in', 'connected')], 4)).toBe(errors);
    const after = runtimeErrorsOf(errors, [state('in', 'connected', { recovered: ['WSF_MQTT_UNAVAILABLE'] })], 6);
    expect(after.map((e) => `${e.problem.nodeId} ${e.problem.code}`)).toEqual(['out WSF_MQTT_UNAVAILABLE', 'in WSF_TEMPLATE_UNRESOLVED']);
    // An outage again after the recovery badges the node again.
    expect(runtimeErrorsOf(after, [outage('in')], 7)).toHaveLength(3);
  });

  it('folds the connector events of a trace batch into the per-node states', () => {
    expect(connectorStatesOf({}, [outage('in')])).toBeUndefined();
    const states = connectorStatesOf({ out: { state: 'connected', messagesIn: 0, messagesOut: 9 } }, [state('in', 'connecting'), state('in', 'down', { reason: 'connect ECONNREFUSED' })]);
    expect(states).toEqual({
      out: { state: 'connected', messagesIn: 0, messagesOut: 9 },
      in: { state: 'down', reason: 'connect ECONNREFUSED', messagesIn: 4, messagesOut: 1 },
    });
  });
});
