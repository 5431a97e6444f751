/**
 * A raw TCP WebSocket peer for hostile-input tests: it does the handshake by hand and then
 * writes whatever bytes a test wants (frames the `ws` client would never produce), and reads
 * the server's close frame.
 */
import { connect } from 'node:net';
import type { Socket } from 'node:net';

export interface RawPeer {
  socket: Socket;
  /** resolves with the server's close code (undefined if the socket ended without a close frame) */
  closeCode(ms?: number): Promise<number | undefined>;
  /** resolves when the TCP connection is gone */
  ended: Promise<void>;
  /** the bytes the server sent after its handshake answer, so far */
  received(): Buffer;
}

export function rawHandshake(port: number, path: string): Promise<RawPeer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    let upgraded = false;
    const ended = new Promise<void>((r) => socket.once('close', () => r()));
    socket.on('error', () => undefined);
    socket.once('connect', () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
      );
    });
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (upgraded) return;
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buf.subarray(0, end).toString();
      if (!head.startsWith('HTTP/1.1 101')) {
        reject(new Error(`handshake refused: ${head.split('\r\n')[0]}`));
        return;
      }
      upgraded = true;
      buf = buf.subarray(end + 4);
      resolve({
        socket,
        ended,
        received: () => buf,
        closeCode: (ms = 10_000) =>
          new Promise((res, rej) => {
            const timer = setTimeout(() => rej(new Error(`no close frame within ${ms} ms`)), ms);
            const check = () => {
              const code = closeCodeIn(buf);
              if (code !== null) {
                clearTimeout(timer);
                res(code);
              }
            };
            socket.on('data', check);
            socket.once('close', () => {
              clearTimeout(timer);
              const code = closeCodeIn(buf);
              res(code === null ? undefined : code);
            });
            check();
          }),
      });
    });
    socket.once('close', () => reject(new Error('closed during the handshake')));
  });
}

/** The status code of the first close frame in `buf` (server frames are unmasked), or null. */
function closeCodeIn(buf: Buffer): number | null {
  let at = 0;
  while (at + 2 <= buf.length) {
    const opcode = (buf[at] as number) & 0x0f;
    let len = (buf[at + 1] as number) & 0x7f;
    let off = at + 2;
    if (len === 126) {
      if (off + 2 > buf.length) return null;
      len = buf.readUInt16BE(off);
      off += 2;
    } else if (len === 127) {
      if (off + 8 > buf.length) return null;
      len = Number(buf.readBigUInt64BE(off));
      off += 8;
    }
    if (off + len > buf.length) return null;
    if (opcode === 0x8) return len >= 2 ? buf.readUInt16BE(off) : 1005;
    at = off + len;
  }
  return null;
}

/** A client frame: FIN + opcode, masked with a fixed key unless `masked` is false. */
export function frame(opcode: number, payload: Buffer, opts: { masked?: boolean; rsv?: number; fin?: boolean } = {}): Buffer {
  const masked = opts.masked !== false;
  const first = ((opts.fin === false ? 0 : 0x80) | ((opts.rsv ?? 0) << 4) | opcode) & 0xff;
  const len = payload.length;
  const header: number[] = [first];
  const maskBit = masked ? 0x80 : 0;
  if (len < 126) header.push(maskBit | len);
  else if (len < 65536) header.push(maskBit | 126, (len >> 8) & 0xff, len & 0xff);
  else {
    header.push(maskBit | 127);
    const b = Buffer.alloc(8);
    b.writeBigUInt64BE(BigInt(len));
    header.push(...b);
  }
  if (!masked) return Buffer.concat([Buffer.from(header), payload]);
  const key = Buffer.from([1, 2, 3, 4]);
  const body = Buffer.from(payload.map((b, i) => b ^ (key[i % 4] as number)));
  return Buffer.concat([Buffer.from(header), key, body]);
}
