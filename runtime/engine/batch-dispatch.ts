/**
 * Main thread: the actions a handler-host batch carries back (`[ackSeq, op, args..., op, args...]`), handed
 * to the engine one by one. Hot path: a flat loop over a fixed-arity array, no allocation.
 */
import * as P from './host/protocol.ts';
import type { EngineNote, InvokeRecord, StateOp, StatsDelta, UpgradeResult } from './host/protocol.ts';
import type { BridgeSink } from './bridge.ts';
import type { ConnectorCall, DebugEvent } from './contracts.ts';
import type { WireData } from './host/wire.ts';

/** `from` is the index of the handler host that sent the batch; `reply` answers a state, connector or count request of the worker with the engine's promise. */
export function dispatchActions(batch: unknown[], sink: BridgeSink, from: number, reply: (reqId: number, result: Promise<unknown>) => void): void {
  const n = batch.length;
  let i = 1;
  while (i < n) {
    const op = batch[i] as number;
    switch (op) {
      case P.ACT_SEND:
        sink.send(batch[i + 1] as number, batch[i + 2] as WireData);
        i += 3;
        break;
      case P.ACT_SEND_DONE: {
        const num = batch[i + 1] as number;
        sink.send(num, batch[i + 2] as WireData);
        sink.done(num);
        i += 3;
        break;
      }
      case P.ACT_DONE:
        sink.done(batch[i + 1] as number);
        i += 2;
        break;
      case P.ACT_BROADCAST:
        sink.broadcast(batch[i + 1] as number, batch[i + 2] as WireData, batch[i + 3] as string[] | null);
        i += 4;
        break;
      case P.ACT_SENDTO:
        sink.sendTo(batch[i + 1] as number, batch[i + 2] as string[], batch[i + 3] as WireData);
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
        reply(reqId, sink.state(batch[i + 2] as number, batch[i + 3] as StateOp, batch[i + 4] as string, batch[i + 5]));
        i += 6;
        break;
      }
      case P.ACT_CONNECTOR:
        reply(batch[i + 1] as number, sink.connector(batch[i + 2] as number, batch[i + 3] as number, batch[i + 4] as ConnectorCall));
        i += 5;
        break;
      case P.ACT_CHANNEL:
        reply(batch[i + 1] as number, sink.channel(batch[i + 2] as number, batch[i + 3] as number, batch[i + 4] as P.ChannelCall));
        i += 5;
        break;
      case P.ACT_COUNT:
        reply(batch[i + 1] as number, sink.count(batch[i + 2] as number));
        i += 3;
        break;
      case P.ACT_ATTRS:
        sink.attrs(batch[i + 1] as number, batch[i + 2] as string, from);
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
      case P.ACT_DEBUG:
        sink.debugEvent(batch[i + 1] as DebugEvent);
        i += 2;
        break;
      default:
        sink.note({ level: 'error', code: 'WSF_HOST_PROTOCOL', message: `unknown action ${String(op)} from the handler host` });
        i = n;
    }
  }
}
