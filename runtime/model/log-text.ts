/**
 * Text on its way into a log line: credentials removed from URLs (redact.ts), bounded in length,
 * and, for plain-text logs, control characters escaped, so a client's text can never start a line
 * of its own (forge a `wsflow: ... (WSF_...)` line) nor flood the log. Pure; shared by `wsflow run`
 * and the exported service.
 */
import { scrubSecrets } from './redact.ts';

/** The longest message a log line carries, in UTF-8 bytes, before the cut marker. */
export const MAX_LOG_TEXT_BYTES = 8 * 1024;

/** `a\nb` -> `a\\nb`; every C0/C1 control, DEL and the Unicode line and paragraph separators. */
export function escapeControls(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/** At most `maxBytes` UTF-8 bytes of `text`, cut at a character, then `… (cut, N bytes)` (N: the whole text). */
export function cutText(text: string, maxBytes: number = MAX_LOG_TEXT_BYTES): string {
  // A UTF-16 unit is at most 3 UTF-8 bytes: most texts are decided without encoding them.
  if (text.length * 3 <= maxBytes) return text;
  const bytes = new TextEncoder().encode(text);
  if (bytes.byteLength <= maxBytes) return text;
  let end = maxBytes;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--; // not inside a UTF-8 sequence
  return `${new TextDecoder().decode(bytes.subarray(0, end))}… (cut, ${bytes.byteLength} bytes)`;
}

/** A message for a JSON log (JSON escapes the controls itself): scrubbed and bounded. */
export function jsonLogText(text: string, maxBytes: number = MAX_LOG_TEXT_BYTES): string {
  return cutText(scrubSecrets(text), maxBytes);
}

/** One plain-text log line's content: scrubbed, controls escaped, bounded. */
export function plainLogText(text: string, maxBytes: number = MAX_LOG_TEXT_BYTES): string {
  return cutText(escapeControls(scrubSecrets(text)), maxBytes);
}
