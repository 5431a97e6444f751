/**
 * Rules for the security fields of a flow (pure): `auth` and `allowedOrigins` on an upgrader,
 * `limits` on a service. The JSON Schema checks types and ranges; these are the rules between
 * fields that a schema says badly. Field names: docs/flow-format.md, meaning: docs/security.md.
 */
import { MODEL_CODES as C } from './codes.ts';
import { envRefs } from './env-refs.ts';
import { clientInputIn } from './http-guard.ts';
import { isObj, type Obj } from './is-obj.ts';


export interface FieldRule {
  severity: 'error' | 'warning';
  code: string;
  message: string;
  /** path inside the node, e.g. `['auth', 'secret']` */
  field: (string | number)[];
}

const JWT_ONLY = ['secret', 'jwksUrl', 'issuer', 'audience', 'clockSkewSec', 'requireExp'] as const;
const API_KEY_ONLY = ['keys', 'header'] as const;

/** `scheme://host[:port]` exactly, as browsers send it in `Origin`. */
export function isOrigin(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\/[^/?#@\s]+$/i.test(value);
}

export function upgraderSecurityRules(node: Obj, id: string): FieldRule[] {
  const out: FieldRule[] = [];
  const auth = node.auth;
  if (isObj(auth)) {
    const type = auth.type;
    if (type === 'jwt') {
      const hasSecret = auth.secret !== undefined;
      const hasJwks = auth.jwksUrl !== undefined;
      if (hasSecret === hasJwks) {
        out.push({
          severity: 'error',
          code: C.AUTH_INVALID,
          message: `Upgrader '${id}' uses jwt auth: give exactly one of 'secret' (HS256/384/512) or 'jwksUrl' (RS*/ES*), not ${hasSecret ? 'both' : 'neither'}.`,
          field: ['auth', hasSecret ? 'jwksUrl' : 'type'],
        });
      }
      for (const f of API_KEY_ONLY) {
        if (auth[f] !== undefined) out.push({ severity: 'error', code: C.AUTH_INVALID, message: `'auth.${f}' belongs to apiKey auth; this upgrader uses jwt.`, field: ['auth', f] });
      }
    } else if (type === 'apiKey') {
      if (auth.keys === undefined) {
        out.push({ severity: 'error', code: C.AUTH_INVALID, message: `Upgrader '${id}' uses apiKey auth but lists no 'keys' (comma-separated, e.g. \${env.API_KEYS}).`, field: ['auth', 'type'] });
      }
      for (const f of JWT_ONLY) {
        if (auth[f] !== undefined) out.push({ severity: 'error', code: C.AUTH_INVALID, message: `'auth.${f}' belongs to jwt auth; this upgrader uses apiKey.`, field: ['auth', f] });
      }
    }
    for (const f of ['secret', 'keys'] as const) {
      const v = auth[f];
      if (typeof v === 'string' && v !== '' && envRefs(v).length === 0) {
        out.push({
          severity: 'warning',
          code: C.AUTH_SECRET_INLINE,
          message: `'auth.${f}' is written in the flow file, so everyone who can read the file has it; use an \${env.NAME} reference.`,
          field: ['auth', f],
        });
      }
    }
    if (node.allowedOrigins === undefined) {
      out.push({
        severity: 'warning',
        code: C.AUTH_NO_ORIGINS,
        message: `Upgrader '${id}' requires credentials but has no 'allowedOrigins', so any web page a signed-in user visits can open this service with their browser's credentials; list the origins of your web app.`,
        field: ['auth'],
      });
    }
  }
  const origins = node.allowedOrigins;
  if (Array.isArray(origins)) {
    origins.forEach((o, i) => {
      if (typeof o === 'string' && !isOrigin(o)) {
        out.push({ severity: 'error', code: C.ORIGIN_INVALID, message: `'${o}' is not an origin; write scheme://host[:port] with no path, e.g. https://app.example.com.`, field: ['allowedOrigins', i] });
      }
    });
  }
  return out;
}

export function serviceLimitRules(node: Obj): FieldRule[] {
  const limits = node.limits;
  if (!isObj(limits)) return [];
  const out: FieldRule[] = [];
  if (limits.burst !== undefined && limits.messagesPerSecond === undefined) {
    out.push({ severity: 'error', code: C.LIMITS_INVALID, message: `'limits.burst' needs 'limits.messagesPerSecond' (the rate the burst is added to).`, field: ['limits', 'burst'] });
  }
  const perIp = limits.maxConnectionsPerIp;
  const total = limits.maxConnections;
  if (typeof perIp === 'number' && typeof total === 'number' && perIp > total) {
    out.push({ severity: 'warning', code: C.LIMITS_INVALID, message: `'limits.maxConnectionsPerIp' (${perIp}) is above 'limits.maxConnections' (${total}), so it never applies.`, field: ['limits', 'maxConnectionsPerIp'] });
  }
  return out;
}

/** An `http` step whose host a client can choose, with no `allow` list: a warning (SSRF). */
export function httpStepRules(node: Obj, id: string): FieldRule[] {
  const url = node.url;
  if (typeof url !== 'string' || (Array.isArray(node.allow) && node.allow.length > 0)) return [];
  const refs = clientInputIn(url);
  if (refs.length === 0) return [];
  return [
    {
      severity: 'warning',
      code: C.HTTP_URL_FROM_CLIENT,
      message: `The host of http step '${id}' comes from client input (${refs.join(', ')}), so a client can choose where the service sends requests; loopback, link-local and private addresses are refused, but list the hosts it may reach in 'allow'.`,
      field: ['url'],
    },
  ];
}
