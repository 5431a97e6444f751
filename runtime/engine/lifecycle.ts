/**
 * The engine's lifecycle beyond serving: quarantine of connections whose snippet hung, crashed or
 * hogged the handler host; what a fresh handler-host worker restores; hot reload; and stop
 * (refuse new upgrades, close clients with 1001, drain, then shut every part down).
 */
import type { CompiledFlow, SnippetFailure } from './contracts.ts';
import { buildTopology } from './topology.ts';
import type { BridgeSink, Culprit, StuckCause, Survivor } from './bridge.ts';
import * as P from './host/protocol.ts';
import { hasUnfinished, stopSweeps } from './connection.ts';
import { updateService } from './services.ts';
import { buildGuards } from './security/guards.ts';
import type { EngineCore } from './core.ts';
import { refuse } from './accept.ts';
import type { Listener } from './listener.ts';

/** Report a stuck, crashed or hogging snippet and close the connections whose events it was running. */
export function quarantine(core: EngineCore, culprits: Culprit[], budgetMs: number, cause: StuckCause): void {
  const crashed = cause.kind === 'crash' ? cause.why : undefined;
  const timer = cause.kind === 'timer';
  const message = crashed
    ? `the handler host ${crashed} while this snippet ran`
    : timer
      ? `timers of this snippet kept the handler host busy more than half of the time and were stopped`
      : `the snippet did not return within ${budgetMs} ms and was stopped`;
  const code = crashed ? 'WSF_HOST_CRASHED' : timer ? 'WSF_SNIPPET_TIMER_HOG' : 'WSF_SNIPPET_TIMEOUT';
  const ranMs = cause.kind === 'timeout' ? budgetMs : 0;
  if (crashed || timer) {
    // already reported as an engine event by the bridge
  } else if (culprits.length === 0) {
    core.note({ level: 'error', code: 'WSF_SNIPPET_TIMEOUT', message: `${message} (it ran outside any handler, e.g. in a timer)` });
  }
  for (const c of culprits) {
    const failure: SnippetFailure = { code, nodeId: c.nodeId ?? '', message };
    if (c.kind === 'load') {
      const what = crashed ? `stopped the handler host (${crashed})` : timer ? 'started timers that hogged the handler host' : `did not finish within ${budgetMs} ms`;
      core.note({ level: 'error', code, nodeId: c.nodeId, message: `the module code of the snippet ${what}; the snippet is disabled until the next reload` });
      continue;
    }
    if (c.kind === 'upgrade') {
      const pending = core.upgrades.get(c.id);
      core.upgrades.delete(c.id);
      core.reportFailure(failure, '', 'upgrade', ranMs);
      if (pending) refuse(core, pending, 500, `upgrade refused: the upgrade snippet ${crashed ? 'crashed' : timer ? 'hogged the handler host' : 'timed out'}`, pending.route.upgrader.id);
      continue;
    }
    const rec = core.byNum.get(c.id);
    if (!rec) continue;
    const op = rec.events[rec.head];
    const event = op === P.EV_OPEN ? 'open' : op === P.EV_BINARY ? 'binary' : op === P.EV_CLOSE ? 'close' : op === P.EV_SOCKERR ? 'error' : 'text';
    core.reportFailure(failure, rec.id, event, ranMs);
    rec.quarantined = true;
    rec.events.length = 0;
    rec.head = 0;
    if (rec.ws.isPaused) rec.ws.resume(); // the close handshake needs reading
    if (rec.open) rec.ws.close(1011, crashed ? 'handler crashed' : timer ? 'handler timers hogged the server' : 'handler timed out');
    else core.forget(rec);
  }
}

/** What a fresh worker of handler host `host` restores (BridgeSink.survivors). */
export function survivors(core: EngineCore, host: number): ReturnType<BridgeSink['survivors']> {
  const connections: Survivor[] = [];
  for (const rec of core.byNum.values()) {
    const own = core.hosts.indexOf(rec.num) === host;
    // A closed connection still has its close event to run on its own host; mirrors are dropped.
    if (rec.quarantined || (!own && !rec.open)) continue;
    connections.push({ num: rec.num, info: rec.info, events: rec.events, eventsHead: rec.head, own });
  }
  const upgrades = [...core.upgrades.values()].filter((u) => u.host === host).map((u) => ({ reqId: u.reqId, upgraderIdx: u.route.idx, info: u.info }));
  return { connections, upgrades };
}

export function reload(core: EngineCore, next: CompiledFlow): void {
  const topology = buildTopology(next);
  core.guards = buildGuards(topology.routes, core.options.env ?? process.env);
  core.compiled = next;
  core.topology = topology;
  // Services are matched by id; their connections stay open. New ones start serving,
  // removed ones close their connections with 1001.
  const previous = new Map(core.services.map((s) => [s.spec.id, s]));
  core.services = [];
  core.byService.clear();
  for (const spec of topology.services) {
    const svc = previous.get(spec.id);
    previous.delete(spec.id);
    if (!svc) {
      core.addService(spec);
      continue;
    }
    updateService(svc, spec);
    core.services.push(svc);
    core.byService.set(spec.id, svc);
  }
  for (const gone of previous.values()) {
    stopSweeps(gone);
    for (const rec of gone.conns) rec.ws.close(1001, 'service removed');
  }
  for (const rec of core.byNum.values()) rec.info.serviceIdx = rec.svc.spec.idx;
  core.metrics?.seedNodes(Object.keys(topology.program.snippets));
  core.hosts.reload(topology.program);
  core.connectors?.reload(next.flow);
}

export async function stop(core: EngineCore, listener: Listener, drainMs: number): Promise<void> {
  core.stopping = true;
  const serverClosed = listener.stopAccepting();
  for (const pending of core.upgrades.values()) refuse(core, pending, 503, 'the service is shutting down', pending.route.upgrader.id);
  core.upgrades.clear();
  for (const rec of core.byNum.values()) if (rec.open) rec.ws.close(1001, 'server shutting down');
  if (core.byNum.size > 0) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, drainMs);
      core.drained = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
  for (const rec of core.byNum.values()) if (rec.open || hasUnfinished(rec)) rec.ws.terminate();
  for (const svc of core.services) {
    stopSweeps(svc);
    svc.wss.close();
  }
  await listener.closeConnections();
  await serverClosed;
  await core.hosts.close();
  await core.connectors?.close();
  await core.channels?.close();
  core.trace.close();
  await core.adapter.close();
}
