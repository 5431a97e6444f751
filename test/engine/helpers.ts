/**
 * Engine-specific helpers of the engine tests: start a flow from inline YAML and collect its trace.
 * Clients and waiting come from the shared kit (`test/helpers/ws-client.ts`, `test/helpers/wait.ts`).
 */
import { parse } from 'yaml';
import type { FlowDocument } from '../../runtime/model/types.ts';
import { compileFlow, startFlow } from '../../runtime/engine/index.ts';
import type { EngineOptions, RunningFlow, TraceEvent } from '../../runtime/engine/contracts.ts';

export function flowFrom(yaml: string): FlowDocument {
  return parse(yaml) as FlowDocument;
}

export async function start(yaml: string, options: EngineOptions = {}): Promise<RunningFlow> {
  return startFlow(await compileFlow(flowFrom(yaml)), { port: 0, ...options });
}

export function collect(flow: RunningFlow): { events: TraceEvent[]; stop(): void } {
  const events: TraceEvent[] = [];
  const sub = flow.subscribe((e) => events.push(e));
  return { events, stop: () => sub.unsubscribe() };
}

export const ECHO = `
wsflow: 1
name: echo
listener: { port: 0 }
nodes:
  - { id: up, type: upgrader, basePath: /chat }
  - { id: svc, type: service }
  - id: on-text
    type: onText
    code: |
      export default function onText(conn: Connection, text: string) {
        conn.send(text);
      }
edges:
  - { from: up, to: svc }
  - { from: svc, to: on-text }
`;
