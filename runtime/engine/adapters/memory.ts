/**
 * The single-instance cluster adapter: deliveries go straight back to this instance's sockets
 * (synchronously), state lives in a Map. Values are stored as JSON text so that a flow behaves
 * the same here as on the Redis adapter (no shared object identity, JSON-only values).
 */
import type { ClusterAdapter, Delivery, StateBackend } from '../contracts.ts';

export function createMemoryAdapter(): ClusterAdapter {
  let deliver: ((d: Delivery) => void) | undefined;
  const stores = new Map<string, Map<string, string>>();
  const counts = new Map<string, Set<string>>();
  const counters = { published: 0, undelivered: 0 };

  const store = (service: string) => {
    let s = stores.get(service);
    if (!s) stores.set(service, (s = new Map<string, string>()));
    return s;
  };

  const state: StateBackend = {
    async get(service, key) {
      const raw = store(service).get(key);
      return raw === undefined ? undefined : (JSON.parse(raw) as unknown);
    },
    async set(service, key, value) {
      const json = JSON.stringify(value);
      if (json === undefined) store(service).delete(key);
      else store(service).set(key, json);
    },
    async delete(service, key) {
      return store(service).delete(key);
    },
    async incr(service, key, by) {
      const s = store(service);
      const raw = s.get(key);
      const current = raw === undefined ? 0 : (JSON.parse(raw) as unknown);
      if (typeof current !== 'number') throw new Error(`state "${key}" holds a ${typeof current}, not a number`);
      const next = current + by;
      s.set(key, JSON.stringify(next));
      return next;
    },
    async keys(service, prefix) {
      return [...store(service).keys()].filter((k) => k.startsWith(prefix)).sort();
    },
  };

  return {
    async start(deliverLocal) {
      deliver = deliverLocal;
    },
    publish(delivery) {
      counters.published++;
      if (!deliver) {
        counters.undelivered++;
        return;
      }
      try {
        deliver(delivery);
      } catch {
        counters.undelivered++;
      }
    },
    state,
    connectionOpened(service, id) {
      let set = counts.get(service);
      if (!set) counts.set(service, (set = new Set()));
      set.add(id);
    },
    connectionClosed(service, id) {
      counts.get(service)?.delete(id);
    },
    async connectionCount(service) {
      return counts.get(service)?.size ?? 0;
    },
    stats() {
      return { ...counters };
    },
    async close() {
      deliver = undefined;
    },
  };
}
