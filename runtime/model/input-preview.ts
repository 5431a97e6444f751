/**
 * A bounded preview of the message a handler got, for trace rows (engine/host/invoke.ts builds it
 * only for the invocations that are traced; the designer shows it). Pure.
 */

export interface InputPreview {
  type: 'text' | 'binary';
  /** At most INPUT_PREVIEW_CHARS characters of text, or the first bytes as hex pairs. */
  preview: string;
  /** Characters of the whole text, or bytes of the whole frame. */
  size: number;
  /** The preview holds less than the whole input. */
  truncated: boolean;
}

/** Longest text kept in a preview (a binary preview shows a quarter as many bytes). */
export const INPUT_PREVIEW_CHARS = 200;
const HEX_BYTES = INPUT_PREVIEW_CHARS / 4;

/** The preview of a text or binary message; undefined for anything else. */
export function previewInput(input: unknown): InputPreview | undefined {
  if (typeof input === 'string') {
    const truncated = input.length > INPUT_PREVIEW_CHARS;
    return { type: 'text', preview: truncated ? input.slice(0, INPUT_PREVIEW_CHARS) : input, size: input.length, truncated };
  }
  if (input instanceof Uint8Array || input instanceof ArrayBuffer) {
    const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
    let hex = '';
    for (const b of bytes.subarray(0, HEX_BYTES)) hex += (hex ? ' ' : '') + b.toString(16).padStart(2, '0');
    return { type: 'binary', preview: hex, size: bytes.byteLength, truncated: bytes.byteLength > HEX_BYTES };
  }
  return undefined;
}
