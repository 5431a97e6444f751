/**
 * The exported service's log: one JSON object per line on stdout (pino), the shape container
 * platforms and log shippers expect: `level` (info, warn, error, fatal), `time` (ms since epoch),
 * `service` (the flow name), `message`, and where they apply `nodeId`, `connectionId`, `code`.
 * Writes are synchronous, like console output, so nothing is lost when the process exits.
 */
import { pino } from 'pino';
import type { Logger } from 'pino';
import type { TraceEvent } from '../../engine/contracts.ts';
import { scrubSecrets } from '../../model/redact.ts';

export type { Logger };

export function createLogger(service: string): Logger {
  return pino(
    {
      base: { service },
      messageKey: 'message',
      formatters: { level: (label) => ({ level: label }) },
      // Every message, ours and the engine's, loses the credentials of the URLs it quotes.
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? scrubSecrets(a) : a)) as Parameters<typeof method>);
        },
      },
    },
    pino.destination({ dest: 1, sync: true }),
  );
}

/**
 * What the service logs of the engine's trace stream: snippet logs (ctx.log) at their level,
 * snippet failures and engine warnings; with `all` (WSFLOW_TRACE=1) every event.
 */
export function logEvent(log: Logger, event: TraceEvent, all: boolean): void {
  if (all) log.info({ event }, `trace ${event.kind}`);
  if (event.kind === 'invoke') {
    if (!all) for (const entry of event.logs) log[entry.level]({ nodeId: event.nodeId, connectionId: event.connectionId || undefined }, entry.message);
    const e = event.error;
    if (e) {
      log.error({ nodeId: e.nodeId || event.nodeId, connectionId: event.connectionId || undefined, code: e.code, line: e.line, col: e.col, stack: e.stack }, e.message);
    }
  } else if (event.kind === 'engine' && event.level !== 'info' && !all) {
    log[event.level]({ nodeId: event.nodeId, code: event.code }, event.message);
  }
}
