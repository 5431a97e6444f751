/**
 * The exported service's log: one JSON object per line on stdout (pino), the shape container
 * platforms and log shippers expect: `level` (info, warn, error, fatal), `time` (ms since epoch),
 * `service` (the flow name), `message`, and where they apply `nodeId`, `connectionId`, `code`.
 * Writes are synchronous, like console output, so nothing is lost when the process exits.
 * `wsflow run --log-format json` writes the same lines to stderr.
 */
import { pino } from 'pino';
import type { Logger } from 'pino';
import type { TraceEvent } from '../../engine/contracts.ts';
import { cutText, jsonLogText } from '../../model/log-text.ts';

export type { Logger };

/** `fd` 1 (stdout) for the exported service, 2 (stderr) for `wsflow run`. */
export function createLogger(service: string, fd: 1 | 2 = 1): Logger {
  return pino(
    {
      base: { service },
      messageKey: 'message',
      formatters: { level: (label) => ({ level: label }) },
      // Every message, ours and the engine's, loses the credentials of the URLs it quotes and is
      // bounded (model/log-text.ts); JSON escapes its newlines, so no line can be forged.
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? jsonLogText(a) : a)) as Parameters<typeof method>);
        },
      },
    },
    pino.destination({ dest: fd, sync: true }),
  );
}

/**
 * What the service logs of the engine's trace stream: snippet logs (ctx.log) at their level,
 * snippet failures and engine warnings; with `all` (WSFLOW_TRACE=1) every event.
 */
export function logEvent(log: Logger, event: TraceEvent, all: boolean): void {
  if (all) log.info({ event: boundEvent(event) }, `trace ${event.kind}`);
  if (event.kind === 'invoke') {
    if (!all) for (const entry of event.logs) log[entry.level]({ nodeId: event.nodeId, connectionId: event.connectionId || undefined }, entry.message);
    const e = event.error;
    if (e) {
      log.error({ nodeId: e.nodeId || event.nodeId, connectionId: event.connectionId || undefined, code: e.code, field: e.field, line: e.line, col: e.col, stack: e.stack === undefined ? undefined : cutText(e.stack) }, e.message);
    }
  } else if (event.kind === 'engine' && event.level !== 'info' && !all) {
    log[event.level]({ nodeId: event.nodeId, code: event.code }, event.message);
  }
}

/** The event with its free texts (log lines, error message and stack) bounded like a log message. */
export function boundEvent(event: TraceEvent): TraceEvent {
  if (event.kind !== 'invoke') return event;
  const e = event.error;
  return {
    ...event,
    logs: event.logs.map((l) => ({ ...l, message: cutText(l.message) })),
    error: e && { ...e, message: cutText(e.message), stack: e.stack === undefined ? undefined : cutText(e.stack) },
  };
}
