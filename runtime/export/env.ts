/**
 * Environment variables of an exported service: `PORT`, `HOST`, and one `WSFLOW_<SETTING>` per
 * scalar flow setting, each defaulting to the flow's value. Shared by the exporter (to document
 * them) and the bundled service (to read them), so the two cannot disagree.
 */
import type { FlowDocument } from '../model/types.ts';
import { parsePort } from '../model/port.ts';

/**
 * `settings.redisUrl` is read through `REDIS_URL` by the adapter selection itself; it gets no
 * WSFLOW_ variable and its value (it may hold a password) is never copied into manifests.
 */
export const REDIS_URL_SETTING = 'redisUrl';

/** `drainTimeoutMs` -> `WSFLOW_DRAIN_TIMEOUT_MS`. */
export function settingEnvName(key: string): string {
  return `WSFLOW_${key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9]+/g, '_').toUpperCase()}`;
}

export interface ServiceConfig {
  flow: FlowDocument;
  port: number;
  host: string;
  errors: string[];
}

function coerce(raw: string, like: unknown): string | number | boolean | undefined {
  if (typeof like === 'number') {
    const n = Number(raw);
    return raw.trim() !== '' && Number.isFinite(n) ? n : undefined;
  }
  if (typeof like === 'boolean') {
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off)$/i.test(raw)) return false;
    return undefined;
  }
  return raw;
}

/** The flow with settings overridden from `env`; bad values are reported, never guessed. */
export function applyEnv(flow: FlowDocument, env: Record<string, string | undefined>): ServiceConfig {
  const errors: string[] = [];
  let port = flow.listener.port;
  const rawPort = env.PORT;
  if (rawPort !== undefined && rawPort !== '') {
    const parsed = parsePort(rawPort);
    if (parsed !== undefined) port = parsed;
    else errors.push(`PORT=${rawPort} is not a port number (0-65535)`);
  }
  const host = env.HOST !== undefined && env.HOST !== '' ? env.HOST : '0.0.0.0';
  const settings: Record<string, unknown> = { ...(flow.settings ?? {}) };
  const defaults: Record<string, unknown> = { handlerBudgetMs: 1000, drainTimeoutMs: 5000, ...settings };
  for (const [key, like] of Object.entries(defaults)) {
    if (typeof like !== 'string' && typeof like !== 'number' && typeof like !== 'boolean') continue;
    if (key === REDIS_URL_SETTING) continue;
    const name = settingEnvName(key);
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const value = coerce(raw, like);
    if (value === undefined) errors.push(`${name}=${raw} is not a ${typeof like}`);
    else settings[key] = value;
  }
  return {
    flow: { ...flow, listener: { ...flow.listener, port }, settings },
    port,
    host,
    errors,
  };
}
