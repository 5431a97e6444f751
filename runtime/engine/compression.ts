/**
 * A service's `compression` setting (permessage-deflate, RFC 7692): off unless the flow asks.
 * `ws` negotiates it and inflates what clients send; the engine compresses what it sends itself
 * (frames.ts `deflated`), once per message for every recipient, which needs both directions
 * without context takeover. The trade-off (docs/flow-format.md): fewer bytes on the wire for
 * compressible text, CPU on the engine's main thread to compress each message once, and an
 * inflate state per connection that sends compressed messages.
 */
import type { PerMessageDeflateOptions } from 'ws';
import type { ServiceNode } from '../model/types.ts';

/** Messages smaller than this are sent as they are (compressing them costs more than it saves). */
export const DEFAULT_COMPRESSION_THRESHOLD = 1024;

/** What `ws` is told: negotiate, with no context takeover either way (no state kept between messages). */
export function deflateOptions(node: ServiceNode): PerMessageDeflateOptions | false {
  if (!node.compression) return false;
  return { serverNoContextTakeover: true, clientNoContextTakeover: true };
}

/** Payload size from which a message is compressed; Infinity when the service does not compress. */
export function compressionThreshold(node: ServiceNode): number {
  const c = node.compression;
  if (!c) return Number.POSITIVE_INFINITY;
  return typeof c === 'object' && c.threshold !== undefined ? c.threshold : DEFAULT_COMPRESSION_THRESHOLD;
}

/**
 * From the handshake response ws is about to send: the window the client lets us compress with
 * (`server_max_window_bits`, 15 when not limited), or 0 when permessage-deflate was not agreed
 * or the window is 8 (zlib's raw deflate needs 9 or more: such a client gets plain frames).
 */
export function negotiatedWindowBits(headers: readonly string[]): number {
  const line = headers.find((h) => /^sec-websocket-extensions:/i.test(h));
  if (!line || !/permessage-deflate/i.test(line)) return 0;
  const bits = /server_max_window_bits=(\d+)/i.exec(line);
  const n = bits ? Number(bits[1]) : 15;
  return n >= 9 && n <= 15 ? n : 0;
}
