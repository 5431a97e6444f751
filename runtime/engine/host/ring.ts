/**
 * The shared-memory hop for the hot batches between the engine and its handler host (issue 34):
 * `WSFLOW_HOP=ring` (read when a handler host starts, worker-handle.ts); the default, `post`,
 * sends every batch with postMessage.
 *
 * Why: structured clone of a batch plus the MessagePort machinery were a fifth of the main
 * thread and half of the handler host's busy time in the echo profile. A batch that holds only
 * the hot ops with small payloads (text / binary in, send / send+done / done out) is instead
 * written as compact bytes into a single-producer single-consumer byte ring in a
 * SharedArrayBuffer, and the reader is woken by `Atomics.notify` only when it sleeps in
 * `Atomics.waitAsync`. Everything else (control messages, objects, large payloads that already
 * cross once as shared or transferred bytes, a full ring) still goes by postMessage.
 *
 * Order: each ring record carries how many postMessage messages its sender had posted before
 * it. The reader delivers a record only after that many port messages, and delivers a port
 * message only after the records written before it; a port message a record waits for is pulled
 * with `receiveMessageOnPort` (it was posted before the record was written, so it is queued).
 * So the receiver sees exactly the sender's order, whichever path each message took.
 *
 * Layout of one ring's SharedArrayBuffer: Int32 header [head, tail, sleeping] (byte offsets into
 * the data area, written by the writer / reader; sleeping = 1 while the reader waits), then the
 * data area. A record: u32 length (whole record), u32 port count, i32 batch[0] (seq or ack),
 * then ops: u8 op, u32 connection number, and for data ops u8 kind (0 text, 1 bytes), u32 byte
 * length, bytes. A record never wraps: when it does not fit before the end, a u32 WRAP marker
 * sends the reader back to the start.
 */
import { receiveMessageOnPort } from 'node:worker_threads';
import type { MessagePort, TransferListItem } from 'node:worker_threads';
import * as P from './protocol.ts';
import { LARGE_MESSAGE } from './wire.ts';
import type { Utf8Text } from './wire.ts';

/** Data bytes per direction: a loaded echo batch (100 clients, small messages) takes ~10 KiB. */
export const RING_BYTES = 512 * 1024;
const HEADER = 16;
const HEAD = 0;
const TAIL = 1;
const SLEEPING = 2;
const WRAP = 0xffffffff;
const RECORD_HEADER = 12;
/** u32 at the end of the data area always left free, so that the WRAP marker fits */
const SLACK = 4;

/** The two rings of one handler host, created by the engine and handed over in `workerData`. */
export interface RingPair {
  toHost: SharedArrayBuffer;
  toEngine: SharedArrayBuffer;
}

export function createRingPair(): RingPair {
  return { toHost: new SharedArrayBuffer(HEADER + RING_BYTES), toEngine: new SharedArrayBuffer(HEADER + RING_BYTES) };
}

/** Which hop a handler host starts with: `WSFLOW_HOP=ring` or the default postMessage. */
export function hopFromEnv(env: Readonly<Record<string, string | undefined>>): 'ring' | 'post' {
  return env.WSFLOW_HOP === 'ring' ? 'ring' : 'post';
}

// The ops this hop carries, read once: a namespace member read in the per-op loop is a getter
// call where the module is transpiled on the fly (tsx), a quarter of the codec's time.
const { EV_TEXT, EV_BINARY, ACT_SEND, ACT_SEND_DONE, ACT_DONE } = P;
const LARGE = LARGE_MESSAGE;

// ES2023's lib has no Atomics.waitAsync (Node has had it since 16).
type WaitAsync = (a: Int32Array, index: number, value: number) => { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

/**
 * Bytes a batch needs on the ring (UTF-8 worst case for text), or -1 when some op cannot go
 * there. The op numbers of the two directions overlap (protocol.ts), so each direction accepts
 * its own: towards the host EV_TEXT and EV_BINARY, towards the engine ACT_SEND, ACT_SEND_DONE and
 * ACT_DONE. Anything else makes the whole batch a postMessage.
 */
function ringSize(batch: readonly unknown[], toEngine: boolean): number {
  let size = RECORD_HEADER;
  const n = batch.length;
  for (let i = 1; i < n; ) {
    const op = batch[i] as number;
    if (toEngine ? op === ACT_DONE : false) {
      size += 5;
      i += 2;
      continue;
    }
    if (toEngine ? op !== ACT_SEND && op !== ACT_SEND_DONE : op !== EV_TEXT && op !== EV_BINARY) return -1;
    const data = batch[i + 2];
    if (typeof data === 'string') {
      if (data.length >= LARGE) return -1;
      size += 10 + 3 * data.length;
    } else if (data instanceof Uint8Array && !(data.buffer instanceof SharedArrayBuffer) && data.byteLength < LARGE) {
      size += 10 + data.byteLength;
    } else return -1;
    i += 3;
  }
  return size;
}

/** Batches that took the ring in this thread, each way (tests and diagnostics read it). */
export const ringTraffic = { written: 0, read: 0 };

/**
 * Buffer's native UTF-8 codec without the argument checks of `write` / `toString` (present on
 * every Buffer since Node 0.x, used by Node's own streams): those checks were a quarter of the
 * codec's time for small messages.
 */
interface Utf8Codec {
  utf8Write(text: string, offset: number): number;
  utf8Slice(start: number, end: number): string;
}

class Ring {
  readonly ctl: Int32Array;
  readonly bytes: Buffer & Utf8Codec;
  readonly view: DataView;
  /**
   * `toEngine`: the ring from the handler host to the engine. Its texts come out as UTF-8 bytes
   * (`Utf8Text`), not decoded: the engine frames them as bytes anyway (decoding there and
   * encoding again cost the main thread two passes over every reply).
   */
  constructor(
    sab: SharedArrayBuffer,
    readonly toEngine: boolean,
  ) {
    this.ctl = new Int32Array(sab, 0, HEADER / 4);
    this.bytes = Buffer.from(sab, HEADER, RING_BYTES) as Buffer & Utf8Codec;
    this.view = new DataView(sab, HEADER, RING_BYTES);
  }
}

class RingWriter extends Ring {
  /** Write `batch` as one record; false when it cannot go on the ring or the ring is full. */
  write(batch: readonly unknown[], portCount: number): boolean {
    const need = ringSize(batch, this.toEngine);
    if (need < 0) return false;
    const head = Atomics.load(this.ctl, HEAD);
    const tail = Atomics.load(this.ctl, TAIL);
    let at = head;
    if (head >= tail) {
      if (head + need > RING_BYTES - SLACK) {
        // Wrap: the record goes to the start, and must end before the reader's position.
        if (need >= tail) return false;
        at = 0;
      }
    } else if (head + need >= tail) return false;
    const end = this.encode(batch, at, portCount);
    if (at !== head) this.view.setUint32(head, WRAP);
    Atomics.store(this.ctl, HEAD, end);
    if (Atomics.compareExchange(this.ctl, SLEEPING, 1, 0) === 1) Atomics.notify(this.ctl, SLEEPING);
    ringTraffic.written++;
    return true;
  }

  private encode(batch: readonly unknown[], start: number, portCount: number): number {
    const v = this.view;
    let at = start + RECORD_HEADER;
    const n = batch.length;
    for (let i = 1; i < n; ) {
      const op = batch[i] as number;
      v.setUint8(at, op);
      v.setUint32(at + 1, batch[i + 1] as number);
      at += 5;
      if (this.toEngine && op === ACT_DONE) {
        i += 2;
        continue;
      }
      const data = batch[i + 2];
      if (typeof data === 'string') {
        v.setUint8(at, 0);
        const len = this.bytes.utf8Write(data, at + 5);
        v.setUint32(at + 1, len);
        at += 5 + len;
      } else {
        const bytes = data as Uint8Array;
        // A received text may be forwarded as its UTF-8 bytes (socket-events.ts): still a text.
        v.setUint8(at, !this.toEngine && op === EV_TEXT ? 0 : 1);
        v.setUint32(at + 1, bytes.byteLength);
        this.bytes.set(bytes, at + 5);
        at += 5 + bytes.byteLength;
      }
      i += 3;
    }
    v.setUint32(start, at - start);
    v.setUint32(start + 4, portCount);
    v.setInt32(start + 8, batch[0] as number);
    return at;
  }
}

class RingReader extends Ring {
  /** Position of the next record (after following a WRAP marker), or -1 when the ring is empty. */
  private next(): number {
    let tail = Atomics.load(this.ctl, TAIL);
    if (tail === Atomics.load(this.ctl, HEAD)) return -1;
    if (this.view.getUint32(tail) === WRAP) {
      tail = 0;
      Atomics.store(this.ctl, TAIL, 0);
      if (Atomics.load(this.ctl, HEAD) === 0) return -1;
    }
    return tail;
  }

  /** How many port messages must be delivered before the next record, or -1 when there is none. */
  portCountOfNext(): number {
    const at = this.next();
    return at < 0 ? -1 : this.view.getUint32(at + 4);
  }

  /** Take the next record as the batch array it was made from (call after portCountOfNext() >= 0). */
  take(): unknown[] {
    const v = this.view;
    const start = this.next();
    const end = start + v.getUint32(start);
    const batch: unknown[] = [v.getInt32(start + 8)];
    let at = start + RECORD_HEADER;
    while (at < end) {
      const op = v.getUint8(at);
      batch.push(op, v.getUint32(at + 1));
      at += 5;
      if (this.toEngine && op === ACT_DONE) continue;
      const kind = v.getUint8(at);
      const len = v.getUint32(at + 1);
      at += 5;
      // Bytes are copied out: the ring's memory is reused as soon as the tail moves on.
      if (kind !== 0) batch.push(new Uint8Array(this.bytes.subarray(at, at + len)));
      else if (this.toEngine) batch.push({ utf8: new Uint8Array(this.bytes.subarray(at, at + len)) } satisfies Utf8Text);
      else batch.push(this.bytes.utf8Slice(at, at + len));
      at += len;
    }
    Atomics.store(this.ctl, TAIL, end);
    ringTraffic.read++;
    return batch;
  }
}

/**
 * One side's end of the boundary: postMessage for everything, the ring (when there is one) for
 * the hot batches, and delivery in the sender's order. The engine makes one per handler-host
 * worker (worker-handle.ts), the worker one for itself (port.ts).
 */
export class Link {
  private readonly writer: RingWriter | undefined;
  private readonly reader: RingReader | undefined;
  private deliver: (msg: unknown) => void = () => undefined;
  /** port messages posted / delivered so far (the order stamp of the ring records) */
  private posted = 0;
  private received = 0;
  private closed = false;

  /** `side`: which end this is; the rings of a pair are the same for both ends. */
  constructor(
    private readonly port: MessagePort,
    rings: RingPair | undefined,
    side: 'engine' | 'host',
  ) {
    const engine = side === 'engine';
    this.writer = rings ? new RingWriter(engine ? rings.toHost : rings.toEngine, !engine) : undefined;
    this.reader = rings ? new RingReader(engine ? rings.toEngine : rings.toHost, engine) : undefined;
  }

  /** Whether hot batches take the ring. */
  get ring(): boolean {
    return this.writer !== undefined;
  }

  /** Start delivering what the other side sends, in its order. */
  listen(deliver: (msg: unknown) => void): void {
    this.deliver = deliver;
    this.port.on('message', (msg: unknown) => {
      this.drain(false);
      this.received++;
      deliver(msg);
      // Records that waited for this message may go now.
      this.drain(false);
    });
    if (this.reader) this.sleep();
  }

  /** A control message or anything else that must be cloned or transferred. */
  post(msg: unknown, transfer?: readonly TransferListItem[]): void {
    this.posted++;
    if (transfer) this.port.postMessage(msg, transfer);
    else this.port.postMessage(msg);
  }

  /** A batch: on the ring when it fits there, else posted. */
  batch(batch: unknown[]): void {
    if (!this.writer?.write(batch, this.posted)) this.post(batch);
  }

  /** Stop reading the ring (the worker is gone); its pending wait ends now. */
  close(): void {
    this.closed = true;
    if (this.reader) Atomics.notify(this.reader.ctl, SLEEPING);
  }

  /**
   * Deliver the ring's records that are due. `pull`: a record waiting for port messages pulls
   * them off the port (it was written after they were posted); else it waits for the listener.
   * Returns true when a record is left waiting for a port message.
   */
  private drain(pull: boolean): boolean {
    const reader = this.reader;
    if (!reader) return false;
    for (;;) {
      if (this.closed) return false;
      const due = reader.portCountOfNext();
      if (due < 0) return false;
      while (this.received < due) {
        if (!pull) return true;
        const m = receiveMessageOnPort(this.port);
        if (!m) return true;
        this.received++;
        this.deliver(m.message);
      }
      this.deliver(reader.take());
    }
  }

  /** Wait for the writer's notify (it notifies only while `sleeping` is 1), drain, wait again. */
  private sleep(): void {
    const reader = this.reader as RingReader;
    const ctl = reader.ctl;
    let blocked = false;
    for (;;) {
      if (this.closed) return;
      Atomics.store(ctl, SLEEPING, 1);
      if (!blocked && reader.portCountOfNext() >= 0) {
        Atomics.store(ctl, SLEEPING, 0);
        blocked = this.safeDrain();
        continue;
      }
      const wait = waitAsync(ctl, SLEEPING, 1);
      if (!wait.async) {
        blocked = this.safeDrain();
        continue;
      }
      void wait.value.then(() => {
        this.safeDrain();
        this.sleep();
      });
      return;
    }
  }

  /** An exception out of a delivered batch is thrown as an uncaught one, as from a port listener, and the ring goes on. */
  private safeDrain(): boolean {
    try {
      return this.drain(true);
    } catch (error) {
      process.nextTick(() => {
        throw error;
      });
      return false;
    }
  }
}
