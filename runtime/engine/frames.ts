/**
 * Server-to-client WebSocket frames built by the engine (RFC 6455 §5.2: FIN set, no mask).
 * Building the frame once lets a broadcast write the same bytes to every socket instead of
 * framing per client, and lets a single send go out as one socket write instead of ws's cork +
 * header + payload + uncork.
 *
 * With a service's `compression` on, a frame for a client that negotiated permessage-deflate
 * (RFC 7692) is compressed once, without context takeover, and the compressed frame is cached on
 * the frame: a broadcast compresses once for all its recipients (ws compresses per client).
 *
 * These frames are written to the socket beside ws's own Sender, which still sends the control
 * frames (close, ping, pong). That is safe because ws never sends data here (its Sender queues
 * frames only while it compresses data of its own), so writes reach the socket in call order.
 */
import type { Duplex } from 'node:stream';
import { constants, deflateRawSync } from 'node:zlib';

const OPCODE_TEXT = 0x1;
const OPCODE_BINARY = 0x2;
const RSV1 = 0x40;
/** Above this, the payload is written after the header rather than copied next to it. */
const COPY_LIMIT = 16 * 1024;

export interface Frame {
  header: Buffer;
  /** the payload, or undefined when it is inside `header` (small frames are one buffer) */
  payload: Buffer | undefined;
  /** payload bytes */
  length: number;
  /** what was framed */
  data: string | Uint8Array;
  binary: boolean;
  /** the compressed twin, made on first use, for one window size */
  deflated?: { windowBits: number; frame: Frame };
}

function headerSize(length: number): number {
  return length < 126 ? 2 : length < 65536 ? 4 : 10;
}

function writeHeader(target: Buffer, opcode: number, length: number, flags = 0): void {
  target[0] = 0x80 | flags | opcode;
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
  return frameOf(data, binary, 0);
}

function frameOf(data: string | Uint8Array, binary: boolean, flags: number): Frame {
  const opcode = binary ? OPCODE_BINARY : OPCODE_TEXT;
  const length = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
  const offset = headerSize(length);
  if (length <= COPY_LIMIT) {
    const whole = Buffer.allocUnsafe(offset + length);
    writeHeader(whole, opcode, length, flags);
    if (typeof data === 'string') whole.write(data, offset, 'utf8');
    else whole.set(data, offset);
    return { header: whole, payload: undefined, length, data, binary };
  }
  const header = Buffer.allocUnsafe(offset);
  writeHeader(header, opcode, length, flags);
  const payload = typeof data === 'string' ? Buffer.from(data) : Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return { header, payload, length, data, binary };
}

/** The frame's payload as bytes: already encoded when the frame was built (a text is UTF-8 once). */
function payloadBytes(frame: Frame): Buffer {
  return frame.payload ?? frame.header.subarray(frame.header.length - frame.length);
}

/**
 * The frame compressed with permessage-deflate, no context takeover (each message on its own,
 * so the same bytes suit every client): DEFLATE with a sync flush, minus its 4-byte 00 00 ff ff
 * tail (RFC 7692 §7.2.1), RSV1 set. `windowBits` is what the client allowed (server_max_window_bits).
 */
export function deflated(frame: Frame, windowBits: number): Frame {
  if (frame.deflated?.windowBits === windowBits) return frame.deflated.frame;
  const raw = deflateRawSync(payloadBytes(frame), { finishFlush: constants.Z_SYNC_FLUSH, windowBits });
  const compressed = frameOf(raw.subarray(0, raw.length - 4), frame.binary, RSV1);
  frame.deflated = { windowBits, frame: compressed };
  return compressed;
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
