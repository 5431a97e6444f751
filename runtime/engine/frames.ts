/**
 * Server-to-client WebSocket frames built by the engine (RFC 6455 §5.2: FIN set, no mask, no
 * extension bits; services never negotiate permessage-deflate). Building the frame once lets a
 * broadcast write the same bytes to every socket instead of framing per client, and lets a
 * single send go out as one socket write instead of ws's cork + header + payload + uncork.
 */
import type { Duplex } from 'node:stream';

const OPCODE_TEXT = 0x1;
const OPCODE_BINARY = 0x2;
/** Above this, the payload is written after the header rather than copied next to it. */
const COPY_LIMIT = 16 * 1024;

export interface Frame {
  header: Buffer;
  /** the payload, or undefined when it is inside `header` (small frames are one buffer) */
  payload: Buffer | undefined;
  /** payload bytes */
  length: number;
}

function headerSize(length: number): number {
  return length < 126 ? 2 : length < 65536 ? 4 : 10;
}

function writeHeader(target: Buffer, opcode: number, length: number): void {
  target[0] = 0x80 | opcode;
  if (length < 126) target[1] = length;
  else if (length < 65536) {
    target[1] = 126;
    target.writeUInt16BE(length, 2);
  } else {
    target[1] = 127;
    target.writeUInt32BE(Math.floor(length / 0x1_0000_0000), 2);
    target.writeUInt32BE(length >>> 0, 6);
  }
}

export function buildFrame(data: string | Uint8Array, binary: boolean): Frame {
  const opcode = binary ? OPCODE_BINARY : OPCODE_TEXT;
  const length = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
  const offset = headerSize(length);
  if (length <= COPY_LIMIT) {
    const whole = Buffer.allocUnsafe(offset + length);
    writeHeader(whole, opcode, length);
    if (typeof data === 'string') whole.write(data, offset, 'utf8');
    else whole.set(data, offset);
    return { header: whole, payload: undefined, length };
  }
  const header = Buffer.allocUnsafe(offset);
  writeHeader(header, opcode, length);
  const payload = typeof data === 'string' ? Buffer.from(data) : Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return { header, payload, length };
}

/**
 * Writes a built frame to a socket; the same Frame may be written to any number of sockets.
 * `written` is called once the socket has taken the whole frame (or failed).
 */
export function writeFrame(socket: Duplex, frame: Frame, written?: (error?: Error | null) => void): void {
  if (frame.payload === undefined) {
    socket.write(frame.header, written);
    return;
  }
  socket.cork();
  socket.write(frame.header);
  socket.write(frame.payload, written);
  socket.uncork();
}
