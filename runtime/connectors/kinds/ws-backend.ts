import wsBackend from '../../model/kinds/ws-backend.ts';
import { renderTemplate } from '../../model/template.ts';
import type { TemplateScope } from '../../model/template.ts';
import { defineRuntime } from '../runtime-kind.ts';
import { BackendPipe, DEFAULT_BACKEND_MAX_PAYLOAD } from '../ws-backend.ts';

function renderMap(map: Record<string, string> | undefined, scope: TemplateScope): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(map ?? {})) out[k] = renderTemplate(v, scope);
  return out;
}

export default defineRuntime(wsBackend, {
  bind(link, node, scope, tools) {
    const pipe = new BackendPipe(
      link,
      {
        url: renderTemplate(node.url, scope),
        headers: renderMap(node.headers, scope),
        subprotocols: (node.subprotocols ?? []).map((s) => renderTemplate(s, scope)),
        connectTimeoutMs: node.connectTimeoutMs ?? 10_000,
        maxPayload: node.maxPayload ?? DEFAULT_BACKEND_MAX_PAYLOAD,
      },
      {
        outbound: (e) => tools.outbound(node.id, 'wsBackend', e.target, performance.now() - e.durationMs, e.ok, e.result, e.connectionId),
        problem: (code, message) => tools.problem(node.id, 'error', code, message),
        state: (state, reason, code) => tools.state(node.id, state, reason, code),
        counts: tools.counts(node.id),
      },
    );
    return {
      fromClient: (data, binary) => pipe.fromClient(data, binary),
      closed: (code, reason) => pipe.clientClosed(code, reason),
      terminate: () => pipe.terminate(),
    };
  },
});
