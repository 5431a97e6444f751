/**
 * WebSocket framing from the client's side (RFC 6455 §5), written from the RFC rather than taken
 * from `ws`: for the tests that read the server's frames as they are on the wire (RSV1, opcodes)
 * and for the bench's independent load generator (bench/load/raw-client.ts).
 */
import { randomBytes } from 'node:crypto';

/** One frame as the server sent it (server frames are not masked). */
export interface WireFrame {
  fin: boolean;
  /** set on a permessage-deflate compressed message (RFC 7692) */
  rsv1: boolean;
  opcode: number;
  payload: Buffer;
}

export const OPCODE_TEXT = 0x1;
export const OPCODE_CLOSE = 0x8;

/** Cuts a byte stream into frames: `push` each chunk as it arrives, get the frames it completed. */
export class FrameReader {
  private pending: Buffer | undefined;

  push(chunk: Buffer): WireFrame[] {
    let buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = undefined;
    const frames: WireFrame[] = [];
    for (;;) {
      if (buf.length < 2) break;
      let length = buf[1]! & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (buf.length < 4) break;
        length = buf.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (buf.length < 10) break;
        length = buf.readUInt32BE(2) * 0x1_0000_0000 + buf.readUInt32BE(6);
        offset = 10;
      }
      if (buf.length < offset + length) break;
      frames.push({ fin: (buf[0]! & 0x80) !== 0, rsv1: (buf[0]! & 0x40) !== 0, opcode: buf[0]! & 0x0f, payload: buf.subarray(offset, offset + length) });
      buf = buf.subarray(offset + length);
    }
    // A copy, so the tail does not keep the whole chunk it came in alive.
    if (buf.length > 0) this.pending = Buffer.from(buf);
    return frames;
  }
}

/** A client frame: FIN, the opcode, the mask bit and a fresh 4-byte mask (RFC 6455 §5.3). */
export function maskedFrame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  const headerSize = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerSize + 4 + length);
  frame[0] = 0x80 | opcode;
  if (length < 126) frame[1] = 0x80 | length;
  else if (length < 65536) {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 0x80 | 127;
    frame.writeUInt32BE(Math.floor(length / 0x1_0000_0000), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  const mask = (Math.random() * 0x1_0000_0000) >>> 0;
  frame.writeUInt32BE(mask, headerSize);
  const m = [frame[headerSize]!, frame[headerSize + 1]!, frame[headerSize + 2]!, frame[headerSize + 3]!];
  const start = headerSize + 4;
  for (let i = 0; i < length; i++) frame[start + i] = payload[i]! ^ m[i & 3]!;
  return frame;
}

/** The opening handshake's request (RFC 6455 §4.1), with any extra header lines (`Name: value`). */
export function upgradeRequest(url: string, extraHeaders: string[] = []): string {
  const { hostname, port, pathname, search } = new URL(url);
  const lines = [
    `GET ${pathname}${search} HTTP/1.1`,
    `Host: ${hostname}:${port}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
    'Sec-WebSocket-Version: 13',
    ...extraHeaders,
  ];
  return `${lines.join('\r\n')}\r\n\r\n`;
}
