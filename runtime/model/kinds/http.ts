import { CHAIN_EVENTS, NEXT, defineKind, type Part } from '../node-kind.ts';

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
  },
  ports: [NEXT],
  chain: CHAIN_EVENTS,
  summary: ['url'],
  defaults: { method: 'GET', url: '${env.API_URL}' },
  isAsync: () => true,
  emit(e) {
    const parts: Part[] = [`vars.${e.str('as', 'response')} = ${e.await}ctx.http({ method: `, e.lit('method', e.str('method', 'GET')), ', url: ', e.t('url')];
    if (e.has('headers')) parts.push(', headers: ', e.x('headers'));
    if (e.has('body')) parts.push(', body: ', e.t('body'));
    if (e.has('timeoutMs')) parts.push(', timeoutMs: ', e.x('timeoutMs'));
    if (e.has('retries')) parts.push(', retries: ', e.x('retries'));
    e.line(...parts, ' });');
  },
});
