import { CHAIN_EVENTS, NEXT, defineKind, type Part } from '../node-kind.ts';
import { allowEntryProblem, httpGuardOf } from '../http-guard.ts';

export default defineKind({
  id: 'http',
  title: 'HTTP request',
  category: 'connector',
  group: 'Integration',
  order: 1,
  icon: '⇄',
  help: 'Calls an HTTP API (on the engine main thread) and puts the response in `vars.AS` (`status`, `ok`, `headers`, `text`, `json`). Any status is a result; a network error or timeout after the retries fails the step.',
  fields: {
    method: { kind: 'enum', values: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'], default: 'GET', help: 'HTTP method.' },
    url: { kind: 'template', required: true, help: 'URL, a template: `${env.API_URL}/users/${conn.params.name}`.' },
    headers: { kind: 'expr', help: 'Headers, an object expression: `{ authorization: `Bearer ${env.API_TOKEN}` }`.' },
    body: { kind: 'template', help: 'Request body, a template (`${JSON.stringify(json)}`).' },
    timeoutMs: { kind: 'expr', default: 10000, help: 'Timeout of one attempt in ms.' },
    retries: { kind: 'expr', default: 0, help: 'Extra attempts on network errors, timeouts, 429, 502, 503, 504 (with backoff).' },
    as: { kind: 'name', default: 'response', help: 'The chain variable that receives the response.' },
    allow: { kind: 'textList', help: 'Hosts (`api.example.com`, `*.example.com`), addresses and CIDRs (`10.0.0.0/8`) the request and its redirects may reach; only these. Without it, a URL whose host comes from client input may not reach loopback, link-local or private addresses.' },
  },
  ports: [NEXT],
  chain: CHAIN_EVENTS,
  summary: ['url'],
  defaults: { method: 'GET', url: '${env.API_URL}' },
  isAsync: () => true,
  check(node, c) {
    const allow = node.allow;
    if (Array.isArray(allow)) {
      allow.forEach((entry, i) => {
        const why = typeof entry === 'string' ? allowEntryProblem(entry) : undefined;
        if (why !== undefined) c.error('WSF_HTTP_ALLOW_INVALID', `'${String(entry)}' ${why}.`, `allow.${i}`);
      });
    }
  },
  emit(e) {
    const parts: Part[] = [`vars.${e.str('as', 'response')} = ${e.await}${e.ctx}.http({ method: `, e.lit('method', e.str('method', 'GET')), ', url: ', e.t('url')];
    if (e.has('headers')) parts.push(', headers: ', e.x('headers'));
    if (e.has('body')) parts.push(', body: ', e.t('body'));
    if (e.has('timeoutMs')) parts.push(', timeoutMs: ', e.x('timeoutMs'));
    if (e.has('retries')) parts.push(', retries: ', e.x('retries'));
    // The engine checks each request (and redirect) against the guard (connectors/http-guard.ts).
    const guard = httpGuardOf(e.raw);
    if (guard) parts.push(`, guard: ${JSON.stringify(guard)}`);
    e.line(...parts, ' });');
  },
});
