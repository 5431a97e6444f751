/**
 * How message payloads cross the thread boundary between the engine and the handler host.
 *
 * Small payloads travel inside the batch as they are (a string, or an exact-size Uint8Array):
 * structured clone of a small value is the cheapest thing postMessage carries. A large payload
 * would be copied twice by structured clone (serialize, then deserialize), and as a string it
 * would also be decoded on the main thread and sit in its heap until a full GC. So from
 * `LARGE_MESSAGE` bytes up, bytes cross once:
 * - towards the worker they are copied once into a SharedArrayBuffer (the engine keeps that
 *   view to replay the event if the worker has to be replaced; the worker decodes text lazily);
 * - towards the engine a text is encoded once into a Buffer whose memory is transferred, and the
 *   engine frames those bytes as they are (a broadcast frames them once for every recipient).
 */

/** From this many bytes (or UTF-16 units of a string) up, a payload crosses as bytes. */
export const LARGE_MESSAGE = 16 * 1024;

/** A text carried as its UTF-8 bytes (a large message). */
export interface Utf8Text {
  utf8: Uint8Array;
}

/** What a send carries to the engine: text, binary bytes, or a large text as UTF-8 bytes. */
export type WireData = string | Uint8Array | Utf8Text;

/** One copy into shared memory: the view can be posted any number of times without another copy. */
export function sharedCopy(bytes: Uint8Array): Uint8Array {
  const shared = new Uint8Array(new SharedArrayBuffer(bytes.byteLength));
  shared.set(bytes);
  return shared;
}

/** A message's text, whether it crossed as a string or as (shared) UTF-8 bytes. */
export function textOf(data: string | Uint8Array): string {
  if (typeof data === 'string') return data;
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8');
}

/** The payload of a send as the engine frames it (no allocation: the hot path calls it per send). */
export function wireBytes(data: WireData): string | Uint8Array {
  return typeof data === 'string' || data instanceof Uint8Array ? data : data.utf8;
}

/** Whether a send goes out as a binary frame. */
export function wireBinary(data: WireData): boolean {
  return data instanceof Uint8Array;
}

/**
 * A received binary message for the handler host: a large one shared (one copy), a small one at
 * its exact size (it may be a view into a socket chunk, and a view is cloned with its whole buffer).
 */
export function bytesForHost(data: Uint8Array): Uint8Array {
  if (data.byteLength >= LARGE_MESSAGE) return sharedCopy(data);
  return data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? data : new Uint8Array(data);
}
