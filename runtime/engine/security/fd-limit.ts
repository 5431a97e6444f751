/**
 * The default listener-wide connection cap: below the process's file-descriptor limit, so that
 * accepting one more WebSocket can never leave the process unable to open a file, answer
 * `/healthz` or reach Redis. Linux exposes the limit in /proc; elsewhere a fixed cap applies.
 */
import { readFileSync } from 'node:fs';

const FALLBACK_CAP = 10_000;
/** descriptors kept for everything that is not a client socket */
const RESERVE = 64;

export function fdSoftLimit(): number | undefined {
  try {
    const text = readFileSync('/proc/self/limits', 'utf8');
    const m = /^Max open files\s+(\S+)/m.exec(text);
    if (!m) return undefined;
    const n = Number(m[1]);
    return Number.isFinite(n) && n > 0 ? n : undefined; // "unlimited" -> undefined
  } catch {
    return undefined;
  }
}

/** 90% of the soft limit minus a reserve, at least 16; a fixed 10,000 when the limit is unknown. */
export function defaultConnectionCap(limit = fdSoftLimit()): number {
  if (limit === undefined) return FALLBACK_CAP;
  return Math.max(16, Math.floor(limit * 0.9) - RESERVE);
}
