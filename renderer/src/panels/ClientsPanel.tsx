/**
 * Built-in test clients (the role of Choreo's WebSocket console or wscat): pick an upgrade path,
 * fill its params and query, connect one or more clients, send text or JSON, and read each
 * client's timeline of sent/received messages and close codes.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { UpgraderNode } from '../../../runtime/model/types.ts';
import { joinPath } from '../../../runtime/model/paths.ts';
import type { ClientEntry } from '../../../runtime/studio/protocol.ts';
import { useServices } from '../app-context.tsx';
import { useStudio, type ClientDraft, type ClientView } from '../store.ts';
import { RecordButton } from '../tests/RecordPanel.tsx';
import { CollectionsList, SaveMessageForm } from './CollectionsList.tsx';

/** `Name: value` lines (blank lines ignored) plus `Authorization: Bearer TOKEN` when a token is given. */
export function headersOf(text: string, token: string): { headers: Record<string, string>; error?: string } {
  const headers: Record<string, string> = {};
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (!line) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) return { headers, error: `Header line ${i + 1} needs "Name: value".` };
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  if (token.trim()) headers.Authorization = `Bearer ${token.trim()}`;
  return { headers };
}

export function ClientsPanel() {
  const flow = useStudio((s) => s.flow);
  const run = useStudio((s) => s.run);
  const clients = useStudio((s) => s.clients);
  const upgraders = useMemo(() => flow.nodes.filter((n): n is UpgraderNode => n.type === 'upgrader'), [flow.nodes]);
  // The form lives in the store: this panel unmounts whenever another bottom tab is shown.
  const { upgraderId, values, query, protocols, headerText, token } = useStudio((s) => s.clientDraft);
  const draft = (partial: Partial<ClientDraft>) => useStudio.getState().set({ clientDraft: { ...useStudio.getState().clientDraft, ...partial } });
  const setUpgraderId = (upgraderId: string) => draft({ upgraderId });
  const setQuery = (query: string) => draft({ query });
  const setProtocols = (protocols: string) => draft({ protocols });
  const setHeaderText = (headerText: string) => draft({ headerText });
  const setToken = (token: string) => draft({ token });
  const upgrader = upgraders.find((u) => u.id === upgraderId) ?? upgraders[0];
  const template = upgrader ? joinPath(upgrader.basePath, upgrader.upgradePath) : '/';
  const params = [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? '');
  const [optionsError, setOptionsError] = useState<string | undefined>();
  const services = useServices();

  const concrete = template
    .replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? ''))
    .replace(/\/\*$/, '/');
  const missing = params.filter((p) => !values[p]);

  const connect = () => {
    const q: Record<string, string> = {};
    for (const pair of query.split('&')) {
      if (!pair.trim()) continue;
      const [key, ...rest] = pair.split('=');
      if (key) q[decodeURIComponent(key.trim())] = decodeURIComponent(rest.join('=').trim());
    }
    const { headers, error } = headersOf(headerText, token);
    setOptionsError(error);
    if (error) return;
    const list = protocols.split(',').map((p) => p.trim()).filter(Boolean);
    void services.openClient(concrete, { query: q, headers, protocols: list });
  };

  return (
    <div className="clients">
      <form
        className="clients__form"
        onSubmit={(e) => {
          e.preventDefault();
          connect();
        }}
      >
        <select className="input" value={upgrader?.id ?? ''} onChange={(e) => setUpgraderId(e.target.value)} aria-label="Upgrade path" data-testid="client-upgrader">
          {upgraders.length === 0 && <option value="">no upgrader</option>}
          {upgraders.map((u) => <option key={u.id} value={u.id}>{joinPath(u.basePath, u.upgradePath)}</option>)}
        </select>
        {params.map((p) => (
          <input
            key={p}
            className="input input--mono input--short"
            placeholder={p}
            aria-label={`path parameter ${p}`}
            data-testid={`client-param-${p}`}
            value={values[p] ?? ''}
            onChange={(e) => draft({ values: { ...useStudio.getState().clientDraft.values, [p]: e.target.value } })}
          />
        ))}
        <input
          className="input input--mono"
          placeholder="query, e.g. age=25"
          aria-label="query string"
          data-testid="client-query"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
        <button className="btn btn--primary" type="submit" disabled={!run || missing.length > 0} data-testid="client-connect" title={run ? `Connect to ${run.url}${concrete}` : 'Start the flow first'}>
          Connect
        </button>
        <span className="muted small mono">{run ? `${run.url}${concrete}` : 'Start the flow (F5) to connect clients.'}</span>
        <details className="clients__options">
          <summary>Headers, subprotocols, token</summary>
          <label className="field">
            <span className="field__label">Subprotocols (comma separated)</span>
            <input className="input input--mono" value={protocols} onChange={(e) => setProtocols(e.target.value)} data-testid="client-protocols" />
          </label>
          <label className="field">
            <span className="field__label">Bearer token</span>
            <input className="input input--mono" value={token} onChange={(e) => setToken(e.target.value)} data-testid="client-token" />
          </label>
          <label className="field">
            <span className="field__label">Headers, one &quot;Name: value&quot; per line</span>
            <textarea className="input input--mono" rows={2} value={headerText} onChange={(e) => setHeaderText(e.target.value)} data-testid="client-headers" />
          </label>
          {optionsError && <span className="field__error" role="alert">{optionsError}</span>}
        </details>
      </form>
      <RecordButton />
      <div className="clients__body">
        <CollectionsList />
        <div className="clients__list">
          {clients.map((c) => <ClientCard key={c.id} client={c} />)}
          {clients.length === 0 && <div className="empty-note">No clients yet. Open two to see a broadcast.</div>}
        </div>
      </div>
    </div>
  );
}

function entryText(entry: ClientEntry): string {
  switch (entry.kind) {
    case 'sent':
    case 'received':
      return entry.data;
    case 'close':
      return `closed ${entry.code}${entry.reason ? ` ${entry.reason}` : ''}`;
    case 'open':
      return `connected${entry.protocol ? ` (${entry.protocol})` : ''}`;
    case 'error':
      return entry.message;
  }
}

/**
 * The last channel offset a client received (a delivery envelope `{"channel","offset","data"}`,
 * docs/channels.md), so that it can reconnect with `?since=N` and recover what it missed.
 */
export function lastOffsetOf(entries: readonly ClientEntry[]): number | undefined {
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i];
    if (entry?.kind !== 'received' || !entry.data.startsWith('{')) continue;
    try {
      const value = JSON.parse(entry.data) as { channel?: unknown; offset?: unknown };
      if (typeof value.channel === 'string' && typeof value.offset === 'number' && Number.isSafeInteger(value.offset)) return value.offset;
    } catch {
      // Not JSON: not an envelope.
    }
  }
  return undefined;
}

function ClientCard({ client }: { client: ClientView }) {
  const services = useServices();
  const [text, setText] = useState('');
  const [json, setJson] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [saving, setSaving] = useState(false);
  const list = useRef<HTMLOListElement>(null);
  useEffect(() => {
    list.current?.scrollTo({ top: list.current.scrollHeight });
  }, [client.entries.length]);
  const send = () => {
    if (!text) return;
    if (json) {
      try {
        JSON.parse(text);
      } catch (e) {
        setError(`Not JSON: ${(e as Error).message}`);
        return;
      }
    }
    setError(undefined);
    void services.sendClient(client.id, text);
    setText('');
  };
  const path = client.url ? new URL(client.url).pathname + new URL(client.url).search : '';
  const since = client.state === 'closed' ? lastOffsetOf(client.entries) : undefined;
  // Same path and query, with `since` set to the last offset seen: the channel replays the rest.
  const reconnect = (offset: number) => {
    const url = new URL(client.url);
    const query = Object.fromEntries(url.searchParams);
    void services.openClient(url.pathname, { query: { ...query, since: String(offset) } });
  };
  return (
    <div className={`client client--${client.state}`} data-testid={`client-${client.id}`}>
      <div className="client__head">
        <span className={`dot dot--${client.state}`} />
        <span className="client__name">{client.id}</span>
        <span className="client__url mono" title={client.url}>{path}</span>
        {since !== undefined && (
          <button className="btn btn--ghost btn--small" onClick={() => reconnect(since)} data-testid="client-reconnect" title={`Open a new client on ${new URL(client.url).pathname} with ?since=${since}: what was published after offset ${since} is replayed`}>
            Reconnect since {since}
          </button>
        )}
        <button className="btn btn--ghost btn--small" onClick={() => void services.closeClient(client.id)} data-testid="client-close">
          {client.state === 'closed' ? 'Remove' : 'Close'}
        </button>
      </div>
      <ol className="client__timeline" ref={list} data-testid="client-timeline">
        {client.entries.map((entry, i) => (
          <li key={i} className={`tl tl--${entry.kind}`}>
            <span className="tl__arrow">{entry.kind === 'sent' ? '↑' : entry.kind === 'received' ? '↓' : entry.kind === 'close' ? '✕' : entry.kind === 'open' ? '●' : '!'}</span>
            <span className="tl__text">{entryText(entry)}</span>
          </li>
        ))}
      </ol>
      <form
        className="client__send"
        onSubmit={(e) => {
          e.preventDefault();
          send();
        }}
      >
        <input
          className="input input--mono"
          placeholder={json ? '{"type": "Data"}' : 'message'}
          value={text}
          disabled={client.state !== 'open'}
          data-testid="client-message"
          aria-label={`Message from ${client.id}`}
          onChange={(e) => setText(e.target.value)}
        />
        <label className="check small" title="Check the text is JSON before sending">
          <input type="checkbox" checked={json} onChange={(e) => setJson(e.target.checked)} /> JSON
        </label>
        <button className="btn" type="submit" disabled={client.state !== 'open'} data-testid="client-send">Send</button>
        <button
          className="btn btn--ghost"
          type="button"
          disabled={!text}
          aria-expanded={saving}
          title="Save this message in a collection of the flow"
          data-testid="client-save"
          onClick={() => setSaving(!saving)}
        >
          Save…
        </button>
      </form>
      {saving && <SaveMessageForm clientId={client.id} data={text} json={json} onDone={() => setSaving(false)} />}
      {error && <div className="field__error">{error}</div>}
    </div>
  );
}
