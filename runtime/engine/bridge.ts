/**
 * Main-thread side of the handler host: owns the worker, batches events to it (one postMessage
 * per event-loop turn), dispatches the actions that come back, and replaces the worker when the
 * watchdog finds it stuck in a snippet.
 */
import * as P from './host/protocol.ts';
import type { ConnInfo, HostControl, HostProgram, InvokeRecord, StateOp, StatsDelta, EngineNote, UpgradeInfo, UpgradeResult } from './host/protocol.ts';
import { TIMER_SHARE, Watchdog } from './watchdog.ts';
import { retire, spawnHost } from './worker-handle.ts';
import type { Host } from './worker-handle.ts';
import { dispatchActions } from './batch-dispatch.ts';
import type { ConnectorCall, DebugEvent } from './contracts.ts';
import type { ChannelCall } from './host/protocol.ts';
import type { WireData } from './host/wire.ts';

export interface Culprit {
  /** `load`: the module code of a snippet never finished (that snippet is left out from now on) */
  kind: 'connection' | 'upgrade' | 'load';
  /** connNum or reqId */
  id: number;
  nodeId?: string;
}

/** Why a worker was replaced: a snippet that did not return, a dead worker (how), or timers over their share. */
export type StuckCause = { kind: 'timeout' } | { kind: 'crash'; why: string } | { kind: 'timer' };

export interface Survivor {
  num: number;
  info: ConnInfo;
  /** unfinished events, flat `op, a, b` triples, oldest first */
  events: readonly unknown[];
  eventsHead: number;
  /** served by the host being restored (else only mirrored there, for ctx.connections) */
  own: boolean;
}

export interface BridgeSink {
  send(connNum: number, data: WireData): void;
  broadcast(serviceIdx: number, data: WireData, except: string[] | null): void;
  sendTo(serviceIdx: number, ids: string[], data: WireData): void;
  close(connNum: number, code: number, reason: string): void;
  done(connNum: number): void;
  upgradeResult(reqId: number, result: UpgradeResult): void;
  state(serviceIdx: number, op: StateOp, key: string, arg: unknown): Promise<unknown>;
  count(serviceIdx: number): Promise<number>;
  connector(serviceIdx: number, connNum: number, call: ConnectorCall): Promise<unknown>;
  /** A channel operation (runtime/engine/channels/). */
  channel(serviceIdx: number, connNum: number, call: ChannelCall): Promise<unknown>;
  /** attributes of a connection changed on handler host `from` */
  attrs(connNum: number, json: string, from: number): void;
  traceRecord(record: InvokeRecord): void;
  workerStats(delta: StatsDelta): void;
  note(note: EngineNote): void;
  /** A connection paused at a breakpoint or resumed (host/debug.ts). */
  debugEvent(event: DebugEvent): void;
  /** The worker was stuck, died or was hogged by timers (`cause`) and is replaced: report, close the culprits' connections. */
  stuck(culprits: Culprit[], budgetMs: number, cause: StuckCause): void;
  /**
   * For a fresh worker of handler host `host`: every connection to restore (culprits excluded;
   * `own` ones with their unfinished events, the others as mirrors) and its upgrades to redo.
   */
  survivors(host: number): { connections: Survivor[]; upgrades: { reqId: number; upgraderIdx: number; info: UpgradeInfo }[] };
}

export interface BridgeOptions {
  workerUrl: URL;
  program: HostProgram;
  budgetMs: number;
  /** heap limit of each handler-host worker (MiB): a snippet that allocates past it ends only its worker */
  memoryMb: number;
  /** how long an event may wait for its handler's promise before its connection is closed (ms) */
  settleMs: number;
  sampleRate: number;
  /** the worker ships per-node statistics for /metrics even without a trace subscriber */
  metrics?: boolean;
  /** the workers' `process.env` (snippets read it as `ctx.env`); default a copy of the engine's */
  env?: Readonly<Record<string, string | undefined>>;
  /** this host's place in the engine's pool of handler hosts */
  index: number;
  sink: BridgeSink;
}

/** Spare workers are not refilled faster than this when hosts keep crashing (ms, doubling up to the cap). */
const REFILL_BACKOFF_BASE = 250;
const REFILL_BACKOFF_CAP = 2000;

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
  private steps = false;
  private program: HostProgram;
  private readonly watchdog: Watchdog;
  private closed = false;
  private promotedAt = 0;
  private crashes = 0;
  /** the designer's breakpoints while it has any (host/debug.ts) */
  private breakpoints: Extract<HostControl, { type: 'breakpoints' }> | undefined;
  private refillTimer: NodeJS.Timeout | undefined;
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
      timerUs: () => Atomics.load(this.host.slots, P.SLOT_TIMER_US),
      hog: () => this.onTimerHog(),
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

  push1(op: number, a: unknown): void {
    this.out.push(op, a);
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
    this.host.port.postMessage(this.out);
    this.out.length = 1;
  }

  private ping(): void {
    if (this.closed) return;
    this.host.port.postMessage([++this.seq]);
  }

  setTracing(on: boolean, steps: boolean): void {
    this.tracing = on;
    this.steps = steps;
    this.control({ type: 'config', tracing: on, steps, sampleRate: this.options.sampleRate });
  }

  reload(program: HostProgram): void {
    this.program = program;
    this.flush();
    this.control({ type: 'reload', program });
  }

  /**
   * The designer's breakpoints (remembered: a replacement worker gets them too) and its commands
   * to paused connections (host/debug.ts).
   */
  debugControl(msg: Extract<HostControl, { type: 'breakpoints' | 'debug' }>): void {
    if (msg.type === 'breakpoints') this.breakpoints = msg.nodeIds.length > 0 ? msg : undefined;
    this.control(msg);
  }

  /** Control messages go to the spare too, so that it is ready to take over as it is. */
  private control(msg: HostControl): void {
    if (this.closed) return;
    this.host.port.postMessage(msg);
    this.spare?.port.postMessage(msg);
  }

  /** node id for a node index of the current program */
  nodeId(idx: number): string | undefined {
    return this.program.nodeIds[idx];
  }

  // ---- worker lifecycle ----
  private createHost(): Host {
    const breakpoints = this.breakpoints;
    const init: HostControl = { type: 'init', program: this.program, slots: new SharedArrayBuffer(P.SLOTS_LENGTH * 4), tracing: this.tracing, steps: this.steps, metrics: this.options.metrics === true, sampleRate: this.options.sampleRate, settleMs: this.options.settleMs };
    const host = spawnHost(this.options.workerUrl, this.options.memoryMb, init, {
      message: (host, msg) => this.onMessage(host, msg),
      death: (host, why) => this.onDeath(host, why),
    }, this.options.env);
    if (breakpoints) host.port.postMessage(breakpoints);
    return host;
  }

  private promote(host: Host): void {
    this.promotedAt = performance.now();
    host.gen = ++this.generation;
    this.host = host;
    this.seq = 0;
    this.acked = 0;
    // Something outstanding from the start, so that a host that never finishes loading is judged.
    host.port.postMessage([++this.seq]);
  }

  private onMessage(host: Host, msg: unknown[]): void {
    if (!host.ready) host.port.unref();
    if (host === this.host) {
      if (!host.ready) {
        host.ready = true;
        for (const w of this.readyWaiters.splice(0)) w.resolve();
        this.refillSpare();
      }
      this.dispatch(msg, host.gen);
    } else if (host === this.spare) {
      host.ready = true; // its init answer; it has nothing else to say until promoted
    }
  }

  /** Called once per worker that died by itself (retired ones are not reported). */
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
    // The healthy connections never wait for a back-off: the spare (or a fresh worker) serves
    // them at once. Only refilling the spare slows down while hosts keep crashing, so that a
    // crash loop does not burn the CPU starting workers.
    this.respawn(culprits, { kind: 'crash', why });
  }

  private refillDelay(): number {
    return this.crashes >= 3 ? Math.min(REFILL_BACKOFF_CAP, REFILL_BACKOFF_BASE * 2 ** (this.crashes - 3)) : 0;
  }

  private refillSpare(): void {
    if (this.spare || this.closed) return;
    const delay = this.refillDelay();
    if (delay === 0) this.spare = this.createHost();
    else if (!this.refillTimer) {
      this.refillTimer = setTimeout(() => {
        this.refillTimer = undefined;
        if (!this.spare && !this.closed) this.spare = this.createHost();
      }, delay);
      this.refillTimer.unref();
    }
  }

  /** A worker that dies before it ever answered would die again: give up and tell the starter. */
  private startFailed(error: Error): boolean {
    if (this.host.ready || this.readyWaiters.length === 0) return false;
    this.closed = true;
    this.watchdog.stop();
    for (const w of this.readyWaiters.splice(0)) w.reject(new Error(`the handler host could not start: ${error.message}`));
    return true;
  }

  private respawn(culprits: Culprit[], cause: StuckCause): void {
    retire(this.host);
    this.out.length = 1;
    this.options.sink.stuck(culprits, this.options.budgetMs, cause);
    const broken = culprits.filter((c) => c.kind === 'load' && c.nodeId).map((c) => c.nodeId as string);
    if (broken.length > 0) {
      // Loading it again would hang again: serve without it (its events find no handler).
      const snippets = { ...this.program.snippets };
      for (const id of broken) delete snippets[id];
      this.program = { ...this.program, snippets };
      if (this.spare) retire(this.spare);
      this.spare = undefined;
    }
    const next = this.spare ?? this.createHost();
    this.spare = undefined;
    this.promote(next); // bumps the generation: anything the old worker still says is dropped
    if (next.ready) this.refillSpare();
    const { connections, upgrades } = this.options.sink.survivors(this.options.index);
    for (const s of connections) {
      if (!s.own) {
        this.out.push(P.EV_RESTORE, s.num, s.info);
        continue;
      }
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
    this.respawn(this.culprits(this.host), { kind: 'timeout' });
  }

  /** Snippet timers took more than their share of the host: replace it, blaming the timer's owner. */
  private onTimerHog(): void {
    if (this.closed || !this.host.ready) return;
    const s = this.host.slots;
    const kind = Atomics.load(s, P.SLOT_HOG_KIND);
    const nodeId = this.nodeId(s[P.SLOT_HOG_NODE] as number);
    const culprits: Culprit[] = kind >= 1 && kind <= 3 ? [{ kind: kind === 3 ? 'load' : kind === 2 ? 'upgrade' : 'connection', id: s[P.SLOT_HOG_ID] as number, nodeId }] : [];
    this.options.sink.note({ level: 'error', code: 'WSF_SNIPPET_TIMER_HOG', message: `snippet timers kept the handler host busy more than ${TIMER_SHARE * 100}% of the time; restarting it`, nodeId });
    this.respawn(culprits, { kind: 'timer' });
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
      dispatchActions(batch, this.options.sink, this.options.index, (reqId, result) => this.reply(gen, reqId, result));
    } finally {
      // The worker is free: send what accumulated meanwhile (and what these actions produced).
      if (this.seq === this.acked && this.out.length > 1 && !this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(this.flushBound);
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
    if (this.refillTimer) clearTimeout(this.refillTimer);
    this.generation++;
    const spare = this.spare;
    this.spare = undefined;
    this.host.port.close();
    spare?.port.close();
    await Promise.all([this.host.worker.terminate(), spare?.worker.terminate()]);
  }
}
