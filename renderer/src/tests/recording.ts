/**
 * What the test clients did, as a recorded test: every client's timeline merged in time order,
 * timestamps dropped, clients named after their last path segment. The backend turns it into YAML
 * (runtime/flowtest/record.ts) and normalises ids in what was received.
 */
import type { ExpectMode, RecordedClient, RecordedStep, RecordedTest } from '../../../runtime/studio/protocol.ts';
import type { ClientView } from '../store.ts';

export type ModeChoice = ExpectMode | 'auto';

function clientName(url: string, taken: Set<string>, index: number): string {
  let candidate = '';
  try {
    candidate = decodeURIComponent(new URL(url).pathname.split('/').filter(Boolean).pop() ?? '');
  } catch {
    candidate = '';
  }
  if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(candidate) || taken.has(candidate)) candidate = `client${index + 1}`;
  for (let i = 2; taken.has(candidate); i++) candidate = `client${index + 1}-${i}`;
  taken.add(candidate);
  return candidate;
}

export function recordSession(clients: ClientView[], name: string, modes: Record<number, ModeChoice> = {}): RecordedTest {
  const taken = new Set<string>();
  const recorded: RecordedClient[] = [];
  const events: { t: number; order: number; step: RecordedStep }[] = [];
  clients.forEach((client, index) => {
    const cname = clientName(client.url, taken, index);
    let path = '/';
    const query: Record<string, string> = {};
    try {
      const url = new URL(client.url);
      path = url.pathname;
      url.searchParams.forEach((value, key) => (query[key] = value));
    } catch {
      // A client whose handshake never produced a URL keeps the defaults.
    }
    recorded.push({ name: cname, path, query });
    for (const entry of client.entries) {
      const order = events.length;
      switch (entry.kind) {
        case 'open':
          events.push({ t: entry.t, order, step: { kind: 'connect', client: cname } });
          break;
        case 'sent':
          events.push({ t: entry.t, order, step: { kind: 'send', client: cname, data: entry.data, ...(entry.binary ? { binary: true } : {}) } });
          break;
        case 'received':
          events.push({ t: entry.t, order, step: { kind: 'receive', client: cname, data: entry.data, ...(entry.binary ? { binary: true } : {}) } });
          break;
        case 'close':
          if (client.entries.some((e) => e.kind === 'open')) events.push({ t: entry.t, order, step: { kind: 'close', client: cname, code: entry.code, reason: entry.reason } });
          break;
        case 'error': {
          const status = /HTTP (\d{3})/.exec(entry.message)?.[1];
          if (status) events.push({ t: entry.t, order, step: { kind: 'refused', client: cname, status: Number(status) } });
          break;
        }
      }
    }
  });
  events.sort((a, b) => a.t - b.t || a.order - b.order);
  const steps = events.map((e, i) => {
    const mode = modes[i];
    return e.step.kind === 'receive' && mode && mode !== 'auto' ? { ...e.step, mode } : e.step;
  });
  return { name, clients: recorded, steps };
}

export function describeStep(step: RecordedStep): string {
  switch (step.kind) {
    case 'connect':
      return `${step.client} connects`;
    case 'refused':
      return `${step.client} is refused${step.status ? ` (HTTP ${step.status})` : ''}`;
    case 'send':
      return `${step.client} sends ${step.binary ? 'binary' : JSON.stringify(step.data)}`;
    case 'receive':
      return `${step.client} receives ${step.binary ? 'binary' : JSON.stringify(step.data)}`;
    case 'close':
      return `${step.client} closes (${step.code}${step.reason ? ` ${step.reason}` : ''})`;
  }
}
