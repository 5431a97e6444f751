/**
 * The one typed client of the studio backend. Everything the renderer does to files, the engine
 * or sockets goes through `call`; pushed events arrive through `onEvent`.
 */
import {
  STUDIO_API_PATH,
  type ParamsOf,
  type ResultOf,
  type StudioError,
  type StudioEvent,
  type StudioMethod,
  type StudioServerMessage,
} from '../../runtime/studio/protocol.ts';

export class StudioCallError extends Error {
  constructor(readonly error: StudioError) {
    super(error.message);
  }
}

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

export class StudioClient {
  private socket: WebSocket | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<(event: StudioEvent) => void>();
  private readonly stateListeners = new Set<(connected: boolean) => void>();
  private opening: Promise<void> | undefined;

  constructor(private readonly url: string) {}

  /** The API URL for this page: same host, token from the page URL. */
  static fromLocation(location: Location): StudioClient {
    const token = new URLSearchParams(location.search).get('token') ?? '';
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    return new StudioClient(`${scheme}://${location.host}${STUDIO_API_PATH}?token=${encodeURIComponent(token)}`);
  }

  connect(): Promise<void> {
    if (this.socket?.readyState === WebSocket.OPEN) return Promise.resolve();
    this.opening ??= new Promise<void>((resolve, reject) => {
      const socket = new WebSocket(this.url);
      socket.onopen = () => {
        this.socket = socket;
        this.opening = undefined;
        for (const listener of this.stateListeners) listener(true);
        resolve();
      };
      socket.onerror = () => {
        this.opening = undefined;
        reject(new Error('cannot reach the studio backend'));
      };
      socket.onclose = () => {
        this.opening = undefined;
        if (this.socket === socket) this.socket = undefined;
        for (const [, p] of this.pending) p.reject(new StudioCallError({ code: 'WSF_STUDIO_DISCONNECTED', message: 'the studio backend went away' }));
        this.pending.clear();
        for (const listener of this.stateListeners) listener(false);
      };
      socket.onmessage = (message) => this.receive(String(message.data));
    });
    return this.opening;
  }

  private receive(text: string): void {
    let message: StudioServerMessage;
    try {
      message = JSON.parse(text) as StudioServerMessage;
    } catch {
      return;
    }
    if ('event' in message) {
      for (const listener of this.listeners) listener(message);
      return;
    }
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    if (message.ok) pending.resolve(message.result);
    else pending.reject(new StudioCallError(message.error));
  }

  async call<M extends StudioMethod>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
    await this.connect();
    const socket = this.socket;
    if (!socket) throw new StudioCallError({ code: 'WSF_STUDIO_DISCONNECTED', message: 'not connected to the studio backend' });
    const id = this.nextId++;
    return new Promise<ResultOf<M>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      socket.send(JSON.stringify({ id, method, params }));
    });
  }

  onEvent(listener: (event: StudioEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onConnection(listener: (connected: boolean) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof StudioCallError) return error.error.message;
  return error instanceof Error ? error.message : String(error);
}
