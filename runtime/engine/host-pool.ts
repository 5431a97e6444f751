/**
 * The engine's handler hosts: one HostBridge (worker, spare, watchdog) per host. A connection is
 * served by host `num % size` for its whole life, so its events stay in order; every other host
 * only mirrors it for `ctx.connections`. Upgrade snippets go round-robin. With one host (the
 * default) there are no mirrors and this is a thin wrapper.
 */
import { HostBridge } from './bridge.ts';
import type { BridgeOptions } from './bridge.ts';
import type { HostControl, HostProgram } from './host/protocol.ts';

export class HostPool {
  private readonly hosts: HostBridge[] = [];

  constructor(size: number, options: Omit<BridgeOptions, 'index'>) {
    for (let index = 0; index < Math.max(1, Math.floor(size)); index++) this.hosts.push(new HostBridge({ ...options, index }));
  }

  get size(): number {
    return this.hosts.length;
  }

  /** The host that serves connection `num`. */
  of(num: number): HostBridge {
    return this.hosts[num % this.hosts.length] as HostBridge;
  }

  indexOf(num: number): number {
    return num % this.hosts.length;
  }

  /** Host `index`. */
  at(index: number): HostBridge {
    return this.hosts[index % this.hosts.length] as HostBridge;
  }

  /** Each host but `except` (its index): none with one host. */
  others(except: number, each: (host: HostBridge) => void): void {
    if (this.hosts.length === 1) return;
    this.hosts.forEach((h, i) => {
      if (i !== except) each(h);
    });
  }

  whenReady(): Promise<void> {
    return Promise.all(this.hosts.map((h) => h.whenReady())).then(() => undefined);
  }

  setTracing(on: boolean, steps: boolean): void {
    for (const h of this.hosts) h.setTracing(on, steps);
  }

  /** Breakpoints and debugger commands go to every host: the one serving the connection acts. */
  debugControl(msg: Extract<HostControl, { type: 'breakpoints' | 'debug' }>): void {
    for (const h of this.hosts) h.debugControl(msg);
  }

  reload(program: HostProgram): void {
    for (const h of this.hosts) h.reload(program);
  }

  async close(): Promise<void> {
    await Promise.all(this.hosts.map((h) => h.close()));
  }
}
