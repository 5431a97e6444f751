/** A client of the studio protocol for tests: one WebSocket, calls answered by id, events kept. */
import { WebSocket } from 'ws';
import type { ParamsOf, ResultOf, StudioEvent, StudioMethod, StudioServerMessage } from '../../runtime/studio/protocol.ts';
import type { StudioHandle } from '../../runtime/studio/server.ts';
import { waitFor } from './wait.ts';

export class ApiClient {
  private next = 1;
  readonly events: StudioEvent[] = [];
  private readonly pending = new Map<number, (m: StudioServerMessage) => void>();
  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = JSON.parse((data as Buffer).toString()) as StudioServerMessage;
      if ('event' in message) this.events.push(message);
      else this.pending.get(message.id)?.(message);
    });
  }
  static async connect(studio: StudioHandle, headers: Record<string, string> = {}): Promise<ApiClient> {
    const socket = new WebSocket(`ws://127.0.0.1:${studio.port}/api?token=${studio.token}`, { headers });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return new ApiClient(socket);
  }
  async call<M extends StudioMethod>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
    const id = this.next++;
    const reply = await new Promise<StudioServerMessage>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${method} timed out`)), 30_000);
      this.pending.set(id, (m) => {
        clearTimeout(timer);
        resolve(m);
      });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
    if ('event' in reply) throw new Error('unexpected event');
    if (!reply.ok) throw Object.assign(new Error(reply.error.message), { code: reply.error.code, problems: reply.error.problems });
    return reply.result as ResultOf<M>;
  }
  /** The first event (kept since connecting) that matches `pred`, waiting for it if need be. */
  waitFor(pred: (e: StudioEvent) => boolean, ms = 10_000): Promise<StudioEvent> {
    return waitFor('a studio event', () => this.events.find(pred), ms, 20);
  }
}
