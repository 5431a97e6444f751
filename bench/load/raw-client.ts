/**
 * A second, independent WebSocket client for the load generators (`--load raw`): RFC 6455 over a
 * plain TCP socket, written here from the RFC rather than taken from `ws`, so a result does not
 * hinge on one client library's costs. It does only what the bench needs: the opening handshake,
 * masked text frames out, unmasked text and binary frames in (fragments joined), close on end.
 * No extensions, no UTF-8 validation, no ping handling (the bench servers send none).
 */
import { connect, type Socket } from 'node:net';
import { FrameReader, OPCODE_CLOSE, OPCODE_TEXT, maskedFrame, upgradeRequest } from '../../test/helpers/ws-frames.ts';

/** What a load generator needs of a client, whichever implementation it is. */
export interface LoadClient {
  send(text: string): void;
  onMessage(listener: (data: Buffer) => void): void;
  close(): void;
}

export function connectRaw(url: string): Promise<LoadClient> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port), noDelay: true });
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
    socket.write(upgradeRequest(url));
  });
}

class RawClient implements LoadClient {
  private listener: (data: Buffer) => void = () => undefined;
  private readonly reader = new FrameReader();
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

  /** Hand over every whole message in what has arrived (fragments joined). */
  feed(chunk: Buffer): void {
    for (const { fin, opcode, payload } of this.reader.push(chunk)) {
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
  }
}
