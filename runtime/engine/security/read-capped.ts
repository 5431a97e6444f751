/**
 * An HTTP response body read with a size cap (JWKS fetches, the `http` connector): reading stops
 * at the first chunk past the cap, so a huge or endless body never fills the memory.
 */

/** The body as UTF-8 text; `tooLarge()` is thrown once more than `maxBytes` arrived (or were declared). */
export async function readCapped(response: Response, maxBytes: number, tooLarge: () => Error): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  if (!response.body) return '';
  const reader: ReadableStreamDefaultReader<Uint8Array> = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      // Stop reading at once: cancelling drops the connection instead of draining the rest.
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
