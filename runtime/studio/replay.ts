/**
 * Replay against the live run (docs/designer.md#replay): what a recorded flow test or a
 * connection of the trace sent is sent again by the designer's test clients, in order, without
 * waiting for any answer. With breakpoints set, the replayed events pause like any other and are
 * stepped through in the Debug panel; their later events wait behind them in the engine.
 */
import type { FlowTest } from '../flowtest/types.ts';
import type { ReplayPlan } from './protocol.ts';
import type { TestClients } from './test-clients.ts';

/** The connects, text sends and closes of a flow test; expectations and waits are left out. */
export function planOfTest(test: FlowTest): ReplayPlan {
  const clients: ReplayPlan['clients'] = {};
  for (const [name, spec] of Object.entries(test.clients)) {
    clients[name] = { path: spec.path, query: { ...spec.query, ...(spec.token && spec.tokenIn === 'query' ? { access_token: spec.token } : {}) }, headers: { ...spec.headers, ...(spec.token && spec.tokenIn === 'header' ? { authorization: `Bearer ${spec.token}` } : {}) }, protocols: spec.subprotocols };
  }
  const steps: ReplayPlan['steps'] = [];
  for (const step of test.steps) {
    if (step.kind === 'connect') steps.push({ kind: 'connect', client: step.client });
    else if (step.kind === 'send' && step.payload.kind !== 'binary') steps.push({ kind: 'send', client: step.client, data: step.payload.kind === 'text' ? step.payload.text : JSON.stringify(step.payload.value) });
    else if (step.kind === 'close') steps.push({ kind: 'close', client: step.client });
  }
  return { clients, steps };
}

function replayError(message: string): Error {
  return Object.assign(new Error(message), { code: 'WSF_STUDIO_REPLAY' });
}

/** Runs the plan with the designer's test clients; resolves with the test client of each plan client. */
export async function replay(plan: ReplayPlan, clients: TestClients, baseUrl: string): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const step of plan.steps) {
    const spec = plan.clients[step.client];
    if (!spec) throw replayError(`replay: step for unknown client '${step.client}'`);
    if (step.kind === 'connect') {
      const { clientId } = clients.open(baseUrl, { path: spec.path, query: spec.query ?? {}, headers: spec.headers ?? {}, protocols: spec.protocols ?? [] });
      ids[step.client] = clientId;
      await clients.whenOpen(clientId);
      continue;
    }
    const id = ids[step.client];
    if (id === undefined) throw replayError(`replay: client '${step.client}' sends before it connects`);
    if (step.kind === 'send') clients.send(id, step.data);
    else clients.close(id);
  }
  return ids;
}
