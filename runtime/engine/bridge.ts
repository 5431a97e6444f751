/**
 * Main-thread side of the handler host: owns the worker, batches events to it (one postMessage
 * per event-loop turn), dispatches the actions that come back, and replaces the worker when the
 * watchdog finds it stuck in a snippet.
 */
import { Worker } from 'node:worker_threads';
import * as P from './host/protocol.ts';
import type { ConnInfo, HostControl, HostProgram, InvokeRecord, StateOp, StatsDelta, EngineNote, UpgradeInfo, UpgradeResult } from './host/protocol.ts';
import { Watchdog } from './watchdog.ts';
import type { ConnectorCall } from './contracts.ts';

export interface Culprit {
  /** `load`: the module code of a snippet never finished (that snippet is left out from now on) */
  kind: 'connection' | 'upgrade' | 'load';
  /** connNum or reqId */
  id: number;
  nodeId?: string;
}

export interface Survivor {
  num: number;
  info: ConnInfo;
  /** unfinished events, flat `op, a, b` triples, oldest first */
  events: readonly unknown[];
  eventsHead: number;
}

export interface BridgeSink {
  send(connNum: number, data: string | Uint8Array): void;
  broadcast(serviceIdx: number, data: string | Uint8Array, except: string[] | null): void;
  sendTo(serviceIdx: number, ids: string[], data: string | Uint8Array): void;
  close(connNum: number, code: number, reason: string): void;
  done(connNum: number): void;
  upgradeResult(reqId: number, result: UpgradeResult): void;
  state(serviceIdx: number, op: StateOp, key: string, arg: unknown): Promise<unknown>;
  count(serviceIdx: number): Promise<number>;
  connector(serviceIdx: number, connNum: number, call: ConnectorCall): Promise<unknown>;
  attrs(connNum: number, json: string): void;
  traceRecord(record: InvokeRecord): void;
  workerStats(delta: StatsDelta): void;
  note(note: EngineNote): void;
  /** The worker was stuck (or died: `crashed` says how) and is replaced: report, close the culprits' connections. */
  stuck(culprits: Culprit[], budgetMs: number, crashed?: string): void;
  /** For a fresh worker: connections to restore (culprits excluded) and upgrades to redo. */
  survivors(): { connections: Survivor[]; upgrades: { reqId: number; upgraderIdx: number; info: UpgradeInfo }[] };
}

export interface BridgeOptions {
  workerUrl: URL;
  program: HostProgram;
  budgetMs: number;
  sampleRate: number;
  sink: BridgeSink;
}

interface Host {
  worker: Worker;
  slots: Int32Array;
  /** generation once promoted to the serving host (replies of older generations are dropped) */
  gen: number;
  ready: boolean;
}

export class HostBridge {
  /** the worker serving events */
  private host!: Host;
  /** a loaded, idle worker that replaces a stuck one at once (starting one takes a second or more) */
  private spare: Host | undefined;
  private generation = 0;
  private out: unknown[] = [0];
  private seq = 0;
  private acked = 0;
  private flushScheduled = false;
  private tracing = false;
  private program: HostProgram;
  private readonly watchdog: Watchdog;
  private closed = false;
  private promotedAt = 0;
  private crashes = 0;
  private readyWaiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private readonly flushBound = () => this.flush();

  constructor(private readonly options: BridgeOptions) {
    this.program = options.program;
    this.watchdog = new Watchdog(options.budgetMs, {
      progress: () => Atomics.load(this.host.slots, P.SLOT_PROGRESS),
      // Until a fresh worker has loaded (tsx, snippets) it is not judged.
      busy: () => this.host.ready && this.seq > this.acked,
      ping: () => this.ping(),
      stuck: () => this.onStuck(),
    });
    this.promote(this.createHost());
    this.watchdog.start();
  }

  // ---- outgoing events (hot path) ----
  push2(op: number, a: unknown, b: unknown): void {
    this.out.push(op, a, b);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flushBound);
    }
  }

  push3(op: number, a: unknown, b: unknown, c: unknown): void {
    this.out.push(op, a, b, c);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flushBound);
    }
  }

  /**
   * At most one batch is in flight: while the worker has not answered the last one, events
   * accumulate and go together when it does. Under load batches grow by themselves (fewer
   * postMessage calls and thread wake-ups per event); when idle nothing waits.
   */
  private flush(): void {
    this.flushScheduled = false;
    if (this.closed || this.out.length === 1 || this.seq > this.acked) return;
    this.out[0] = ++this.seq;
    this.host.worker.postMessage(this.out);
    this.out.length = 1;
  }

  private ping(): void {
    if (this.closed) return;
    this.host.worker.postMessage([++this.seq]);
  }

  setTracing(on: boolean): void {
    this.tracing = on;
    this.control({ type: 'config', tracing: on, sampleRate: this.options.sampleRate });
  }

  reload(program: HostProgram): void {
    this.program = program;
    this.flush();
    this.control({ type: 'reload', program });
  }

  /** Control messages go to the spare too, so that it is ready to take over as it is. */
  private control(msg: HostControl): void {
    if (this.closed) return;
    this.host.worker.postMessage(msg);
    this.spare?.worker.postMessage(msg);
  }

  /** node id for a node index of the current program */
  nodeId(idx: number): string | undefined {
    return this.program.nodeIds[idx];
  }

  // ---- worker lifecycle ----
  private createHost(): Host {
    const host: Host = {
      worker: new Worker(this.options.workerUrl, { stdout: false, stderr: false }),
      slots: new Int32Array(new SharedArrayBuffer(P.SLOTS_LENGTH * 4)),
      gen: 0,
      ready: false,
    };
    host.worker.unref();
    host.worker.on('message', (msg: unknown[]) => this.onMessage(host, msg));
    host.worker.on('error', (error) => this.onDeath(host, error.message));
    host.worker.on('exit', (code) => this.onDeath(host, `exited with code ${code}`));
    const init: HostControl = { type: 'init', program: this.program, slots: host.slots.buffer as SharedArrayBuffer, tracing: this.tracing, sampleRate: this.options.sampleRate };
    host.worker.postMessage(init);
    return host;
  }

  private promote(host: Host): void {
    this.promotedAt = performance.now();
    host.gen = ++this.generation;
    this.host = host;
    this.seq = 0;
    this.acked = 0;
    // Something outstanding from the start, so that a host that never finishes loading is judged.
    host.worker.postMessage([++this.seq]);
  }

  private onMessage(host: Host, msg: unknown[]): void {
    if (host === this.host) {
      if (!host.ready) {
        host.ready = true;
        for (const w of this.readyWaiters.splice(0)) w.resolve();
        if (!this.spare && !this.closed) this.spare = this.createHost();
      }
      this.dispatch(msg, host.gen);
    } else if (host === this.spare) {
      host.ready = true; // its init answer; it has nothing else to say until promoted
    }
  }

  private onDeath(host: Host, why: string): void {
    if (this.closed) return;
    if (host === this.spare) {
      this.spare = undefined;
      return;
    }
    if (host !== this.host) return;
    if (this.startFailed(new Error(why))) return;
    // A snippet may end the thread (process.exit, a native crash): blame it like a timeout, so
    // that replaying the surviving events does not kill the next host too.
    const culprits = this.culprits(host);
    this.options.sink.note({ level: 'error', code: 'WSF_HOST_CRASHED', message: `the handler host ${why}; restarting it`, nodeId: culprits[0]?.nodeId });
    const quick = performance.now() - this.promotedAt < 2000;
    this.crashes = quick ? this.crashes + 1 : 1;
    // Crashing again right after each restart: back off instead of burning the CPU.
    const delay = this.crashes >= 3 ? Math.min(10_000, 250 * 2 ** (this.crashes - 3)) : 0;
    if (delay === 0) this.respawn(culprits, why);
    else setTimeout(() => !this.closed && host === this.host && this.respawn(culprits, why), delay).unref();
  }

  /** A worker that dies before it ever answered would die again: give up and tell the starter. */
  private startFailed(error: Error): boolean {
    if (this.host.ready || this.readyWaiters.length === 0) return false;
    this.closed = true;
    this.watchdog.stop();
    for (const w of this.readyWaiters.splice(0)) w.reject(new Error(`the handler host could not start: ${error.message}`));
    return true;
  }

  private respawn(culprits: Culprit[], crashed?: string): void {
    const old = this.host;
    void old.worker.terminate();
    this.out.length = 1;
    this.options.sink.stuck(culprits, this.options.budgetMs, crashed);
    const broken = culprits.filter((c) => c.kind === 'load' && c.nodeId).map((c) => c.nodeId as string);
    if (broken.length > 0) {
      // Loading it again would hang again: serve without it (its events find no handler).
      const snippets = { ...this.program.snippets };
      for (const id of broken) delete snippets[id];
      this.program = { ...this.program, snippets };
      void this.spare?.worker.terminate();
      this.spare = undefined;
    }
    const next = this.spare ?? this.createHost();
    this.spare = undefined;
    this.promote(next); // bumps the generation: anything the old worker still says is dropped
    if (next.ready && !this.closed) this.spare = this.createHost();
    const { connections, upgrades } = this.options.sink.survivors();
    for (const s of connections) {
      // A connection whose onOpen never finished is opened again by replaying EV_OPEN.
      if (s.events[s.eventsHead] !== P.EV_OPEN) this.out.push(P.EV_RESTORE, s.num, s.info);
      for (let i = s.eventsHead; i < s.events.length; i += 3) {
        const op = s.events[i] as number;
        if (op === P.EV_CLOSE) this.out.push(op, s.num, s.events[i + 1], s.events[i + 2]);
        else this.out.push(op, s.num, s.events[i + 1]);
      }
    }
    for (const u of upgrades) this.out.push(P.EV_UPGRADE, u.reqId, u.upgraderIdx, u.info);
    this.flush();
  }

  private onStuck(): void {
    if (this.closed) return;
    this.respawn(this.culprits(this.host));
  }

  /** Who was running when the host stopped answering (or died), from the shared slots. */
  private culprits(host: Host): Culprit[] {
    const s = host.slots;
    const culprits: Culprit[] = [];
    const add = (kind: number, id: number, node: number) => {
      const c: Culprit = { kind: kind === 3 ? 'load' : kind === 2 ? 'upgrade' : 'connection', id, nodeId: this.nodeId(node) };
      if (!culprits.some((x) => x.kind === c.kind && x.id === c.id)) culprits.push(c);
    };
    const running = Atomics.load(s, P.SLOT_KIND);
    if (running !== 0) add(running, s[P.SLOT_ID] as number, s[P.SLOT_NODE] as number);
    else {
      // Outside a synchronous call: in the continuation of an async invocation. Prefer the
      // ones the current batch woke up; else every pending one is a suspect.
      const resumed = Atomics.load(s, P.SLOT_RESUMED_COUNT);
      const [base, count] = resumed > 0 ? [P.RESUMED_BASE, resumed] : [P.PENDING_BASE, Atomics.load(s, P.SLOT_PENDING_COUNT)];
      for (let i = 0; i < count; i++) add(s[base + 3 * i] as number, s[base + 3 * i + 1] as number, s[base + 3 * i + 2] as number);
    }
    return culprits;
  }

  /** Resolves once the worker has loaded its program and answered. */
  whenReady(): Promise<void> {
    return this.host.ready ? Promise.resolve() : new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }

  private dispatch(batch: unknown[], gen: number): void {
    this.acked = batch[0] as number;
    try {
      this.dispatchActions(batch, gen);
    } finally {
      // The worker is free: send what accumulated meanwhile (and what these actions produced).
      if (this.seq === this.acked && this.out.length > 1 && !this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(this.flushBound);
      }
    }
  }

  private dispatchActions(batch: unknown[], gen: number): void {
    const sink = this.options.sink;
    const n = batch.length;
    let i = 1;
    while (i < n) {
      const op = batch[i] as number;
      switch (op) {
        case P.ACT_SEND:
          sink.send(batch[i + 1] as number, batch[i + 2] as string | Uint8Array);
          i += 3;
          break;
        case P.ACT_DONE:
          sink.done(batch[i + 1] as number);
          i += 2;
          break;
        case P.ACT_BROADCAST:
          sink.broadcast(batch[i + 1] as number, batch[i + 2] as string | Uint8Array, batch[i + 3] as string[] | null);
          i += 4;
          break;
        case P.ACT_SENDTO:
          sink.sendTo(batch[i + 1] as number, batch[i + 2] as string[], batch[i + 3] as string | Uint8Array);
          i += 4;
          break;
        case P.ACT_CLOSE:
          sink.close(batch[i + 1] as number, batch[i + 2] as number, batch[i + 3] as string);
          i += 4;
          break;
        case P.ACT_UPGRADE_RESULT:
          sink.upgradeResult(batch[i + 1] as number, batch[i + 2] as UpgradeResult);
          i += 3;
          break;
        case P.ACT_STATE: {
          const reqId = batch[i + 1] as number;
          this.reply(gen, reqId, sink.state(batch[i + 2] as number, batch[i + 3] as StateOp, batch[i + 4] as string, batch[i + 5]));
          i += 6;
          break;
        }
        case P.ACT_CONNECTOR:
          this.reply(gen, batch[i + 1] as number, sink.connector(batch[i + 2] as number, batch[i + 3] as number, batch[i + 4] as ConnectorCall));
          i += 5;
          break;
        case P.ACT_COUNT:
          this.reply(gen, batch[i + 1] as number, sink.count(batch[i + 2] as number));
          i += 3;
          break;
        case P.ACT_ATTRS:
          sink.attrs(batch[i + 1] as number, batch[i + 2] as string);
          i += 3;
          break;
        case P.ACT_TRACE:
          sink.traceRecord(batch[i + 1] as InvokeRecord);
          i += 2;
          break;
        case P.ACT_STATS:
          sink.workerStats(batch[i + 1] as StatsDelta);
          i += 2;
          break;
        case P.ACT_NOTE:
          sink.note(batch[i + 1] as EngineNote);
          i += 2;
          break;
        default:
          sink.note({ level: 'error', code: 'WSF_HOST_PROTOCOL', message: `unknown action ${String(op)} from the handler host` });
          i = n;
      }
    }
  }

  private reply(gen: number, reqId: number, result: Promise<unknown>): void {
    result.then(
      (value) => {
        if (gen === this.generation) this.push3(P.EV_REPLY, reqId, true, value);
      },
      (error: unknown) => {
        if (gen === this.generation) this.push3(P.EV_REPLY, reqId, false, error instanceof Error ? error.message : String(error));
      },
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    this.watchdog.stop();
    this.generation++;
    const spare = this.spare;
    this.spare = undefined;
    await Promise.all([this.host.worker.terminate(), spare?.worker.terminate()]);
  }
}
