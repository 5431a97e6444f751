/**
 * A second, independent WebSocket client for the load generators (`--load raw`): RFC 6455 over a
 * plain TCP socket, written here from the RFC rather than taken from `ws`, so a result does not
 * hinge on one client library's costs. It does only what the bench needs: the opening handshake,
 * masked text frames out, unmasked text and binary frames in (fragments joined), close on end.
 * No extensions, no UTF-8 validation, no ping handling (the bench servers send none).
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/** What a load generator needs of a client, whichever implementation it is. */
export interface LoadClient {
  send(text: string): void;
  onMessage(listener: (data: Buffer) => void): void;
  close(): void;
}

const OPCODE_TEXT = 0x1;
const OPCODE_CLOSE = 0x8;

export function connectRaw(url: string): Promise<LoadClient> {
  const { hostname, port, pathname, search } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port), noDelay: true });
    const key = randomBytes(16).toString('base64');
    let head = Buffer.alloc(0);
    const onHandshake = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) {
        if (head.length > 16 * 1024) fail(new Error('handshake response too long'));
        return;
      }
      const status = head.subarray(0, head.indexOf('\r\n')).toString('latin1');
      if (!/^HTTP\/1\.1 101 /.test(status)) return fail(new Error(`handshake refused: ${status}`));
      socket.off('data', onHandshake);
      socket.off('error', fail);
      const client = new RawClient(socket);
      const rest = head.subarray(end + 4);
      resolve(client);
      if (rest.length > 0) client.feed(rest);
    };
    const fail = (error: Error) => {
      socket.destroy();
      reject(error);
    };
    socket.on('data', onHandshake);
    socket.once('error', fail);
    socket.write(
      `GET ${pathname}${search} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
  });
}

class RawClient implements LoadClient {
  private listener: (data: Buffer) => void = () => undefined;
  private pending: Buffer | undefined;
  private fragments: Buffer[] = [];

  constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.feed(chunk));
    socket.on('error', () => socket.destroy());
  }

  onMessage(listener: (data: Buffer) => void): void {
    this.listener = listener;
  }

  send(text: string): void {
    this.socket.write(maskedFrame(OPCODE_TEXT, Buffer.from(text)));
  }

  close(): void {
    this.socket.end(maskedFrame(OPCODE_CLOSE, Buffer.from([0x03, 0xe8])));
  }

  /** Parse every whole frame in what has arrived; keep the tail for the next chunk. */
  feed(chunk: Buffer): void {
    let buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = undefined;
    for (;;) {
      if (buf.length < 2) break;
      const fin = (buf[0]! & 0x80) !== 0;
      const opcode = buf[0]! & 0x0f;
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
      const payload = buf.subarray(offset, offset + length);
      buf = buf.subarray(offset + length);
      if (opcode === OPCODE_CLOSE) {
        this.socket.end();
        return;
      }
      if (opcode >= 0x8) continue; // ping / pong: the bench servers send none
      if (!fin) {
        this.fragments.push(payload);
        continue;
      }
      if (this.fragments.length > 0) {
        this.fragments.push(payload);
        const whole = Buffer.concat(this.fragments);
        this.fragments = [];
        this.listener(whole);
      } else this.listener(payload);
    }
    if (buf.length > 0) this.pending = Buffer.from(buf);
  }
}

/** A client frame: FIN, the opcode, the mask bit and a fresh 4-byte mask (RFC 6455 §5.3). */
function maskedFrame(opcode: number, payload: Buffer): Buffer {
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
