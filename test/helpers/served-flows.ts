/**
 * Serve flows in process from inline YAML, with connectors, and take them down after each test:
 * the one place the connector tests start a flow, collect its trace and close their clients.
 * The YAML goes through `parseFlow`, so a mistake in a test's flow fails with its located problems.
 */
import { afterEach } from 'vitest';
import { createConnectors } from '../../runtime/connectors/index.ts';
import { compileFlow, startFlow } from '../../runtime/engine/index.ts';
import type { RunningFlow, TraceEvent } from '../../runtime/engine/contracts.ts';
import { parseFlow } from '../../runtime/model/parse.ts';
import { ClientPool } from './ws-client.ts';

export interface ServedFlow {
  flow: RunningFlow;
  /** Every trace event so far; `WSF_TEST_DEBUG=1` also prints them. */
  events: TraceEvent[];
}

export interface ServedFlows {
  serve: (yaml: string) => Promise<ServedFlow>;
  /** Clients opened here are terminated after each test, before the flows stop. */
  pool: ClientPool;
}

/** Call once at a test file's top level: registers the `afterEach` that stops what it served. */
export function useServedFlows(): ServedFlows {
  const running: RunningFlow[] = [];
  const pool = new ClientPool();
  afterEach(async () => {
    pool.closeAll();
    await Promise.all(running.splice(0).map((r) => r.stop({ drainTimeoutMs: 500 })));
  });
  async function serve(yaml: string): Promise<ServedFlow> {
    const parsed = parseFlow(yaml);
    const errors = parsed.problems.filter((p) => p.severity === 'error');
    if (!parsed.flow || errors.length > 0) throw new Error(`bad test flow: ${JSON.stringify(errors)}`);
    const flow = await startFlow(await compileFlow(parsed.flow), { port: 0, connectors: createConnectors });
    running.push(flow);
    const events: TraceEvent[] = [];
    flow.subscribe((e) => {
      events.push(e);
      if (process.env.WSF_TEST_DEBUG && e.kind !== 'summary') console.log(JSON.stringify(e));
    });
    return { flow, events };
  }
  return { serve, pool };
}
