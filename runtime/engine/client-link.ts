/**
 * The ClientLink a connector drives for one connection: send, close and read-pause on the
 * engine's socket, nothing else. Sends take the engine's one send path (services.ts `sendFrame`):
 * the service's `maxBufferedBytes` cuts a slow reader of a subscription as it cuts one of a
 * broadcast, and every delivery is counted as a sent message. Pausing is shared with the
 * engine's own backpressure (events the handler host has not finished): a socket resumes only
 * when neither side holds it.
 */
import type { ClientLink } from './contracts.ts';
import type { ConnRecord } from './connection.ts';
import type { ConnDetails } from './host/protocol.ts';
import { sendChecked } from './services.ts';

export function clientLink(rec: ConnRecord, counted: () => void, backlogLow: (rec: ConnRecord) => boolean): ClientLink {
  const details = JSON.parse(rec.info.details) as ConnDetails;
  return {
    num: rec.num,
    id: rec.id,
    service: rec.svc.spec.id,
    path: rec.info.path,
    params: details.params,
    query: details.query,
    headers: details.headers,
    get isOpen() {
      return rec.open;
    },
    get bufferedAmount() {
      return rec.ws.bufferedAmount;
    },
    send(data, binary, sent) {
      if (rec.open && sendChecked(rec, data, binary, sent)) counted();
      else sent?.(new Error(rec.cut ? 'the client connection was cut (a slow reader)' : 'the client connection is closed'));
    },
    close(code, reason) {
      if (rec.open) rec.ws.close(code, reason);
    },
    hold(on) {
      rec.held = on;
      if (on) rec.ws.pause();
      else if (rec.ws.isPaused && backlogLow(rec)) rec.ws.resume();
    },
  };
}
