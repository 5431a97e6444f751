/**
 * Server-side request forgery through the `http` step: a URL whose host comes from client input
 * may not reach loopback, link-local or private addresses unless the step's `allow` lists them;
 * with `allow`, only what it lists; every redirect is checked again. `wsflow validate` warns
 * about a client-chosen host with no `allow`. Real HTTP servers on 127.0.0.1 and 127.0.0.2.
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkGuardedUrl, isPublicAddress } from '../../runtime/connectors/http-guard.ts';
import { allowEntryProblem, clientInputIn } from '../../runtime/model/http-guard.ts';
import { useServedFlows } from '../helpers/served-flows.ts';
import { execCli } from '../helpers/cli.ts';
import { TestClient } from '../helpers/ws-client.ts';
import { parseFlow } from '../../runtime/model/parse.ts';
import { exportToTemp, removeExport, startExported } from '../export/exported.ts';
import { waitFor } from '../helpers/wait.ts';
import type { TraceEvent } from '../../runtime/engine/contracts.ts';

const { serve, pool } = useServedFlows();

interface Internal {
  server: Server;
  base: string;
  hits: string[];
}

async function internalServer(host: string, redirectTo?: () => string): Promise<Internal> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url === '/hop' && redirectTo) return void res.writeHead(302, { location: redirectTo() }).end();
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`secret from ${host}${req.url ?? ''}`);
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  return { server, base: `http://${host}:${(server.address() as { port: number }).port}`, hits };
}

const flow = (allow?: string) => `wsflow: 1
name: fetcher
listener: { port: 9999 }
nodes:
  - { id: up, type: upgrader, basePath: /f }
  - { id: svc, type: service }
  - { id: on-text, type: onText }
  - id: call
    type: http
    url: \${text}${allow ? `\n    allow: ${allow}` : ''}
    as: res
  - { id: answer, type: reply, value: "vars.res.text" }
  - { id: on-error, type: onError }
  - { id: oops, type: reply, value: "'refused'" }
edges:
  - { from: up, to: svc }
  - { from: svc, to: on-text }
  - { from: svc, to: on-error }
  - { from: on-text, to: call }
  - { from: call, to: answer }
  - { from: on-error, to: oops }
`;

/** Refused calls, from the trace's outbound events (the step's failure reaches onError as a rejection). */
const blocked = (events: TraceEvent[]) => events.flatMap((e) => (e.kind === 'outbound' && !e.ok && e.result.includes('(WSF_HTTP_BLOCKED)') ? [e.result] : []));

describe('http step: client-chosen hosts', () => {
  let loop: Internal;
  let other: Internal;
  let redirector: Internal;
  beforeAll(async () => {
    other = await internalServer('127.0.0.2');
    loop = await internalServer('127.0.0.1');
    redirector = await internalServer('127.0.0.1', () => `${other.base}/stolen`);
  });
  afterAll(async () => {
    for (const s of [loop, other, redirector]) await new Promise<void>((r) => s.server.close(() => r()));
  });

  it('by default, a loopback URL from the client is refused before any request (WSF_HTTP_BLOCKED)', async () => {
    const { flow: running, events } = await serve(flow());
    const client = await pool.connect(`${running.url}/f`);
    for (const target of [`${loop.base}/admin`, `http://localhost:${new URL(loop.base).port}/admin`, `http://[::ffff:127.0.0.1]:${new URL(loop.base).port}/admin`]) {
      client.send(target);
      await waitFor(`the refusal of ${target}`, () => blocked(events).length >= 1);
      expect(await client.nextText()).toBe('refused'); // onError ran; the connection stays open
      events.length = 0;
    }
    expect(loop.hits).toEqual([]);
  });

  it('with allow, listed addresses are reached and nothing else is', async () => {
    const { flow: running, events } = await serve(flow('[127.0.0.1]'));
    const client = await pool.connect(`${running.url}/f`);
    client.send(`${loop.base}/ok`);
    expect(await client.nextText()).toBe('secret from 127.0.0.1/ok');
    client.send(`${other.base}/no`);
    await waitFor('the refusal', () => blocked(events).some((m) => /allow list/.test(m)));
    expect(other.hits).toEqual([]);
  });

  it('a redirect is checked like the first URL: an allowed host cannot bounce the request elsewhere', async () => {
    const { flow: running, events } = await serve(flow('[127.0.0.1]'));
    const client = await pool.connect(`${running.url}/f`);
    client.send(`${redirector.base}/hop`);
    await waitFor('the refused redirect', () => blocked(events).some((m) => m.includes('127.0.0.2')));
    expect(redirector.hits).toEqual(['/hop']);
    expect(other.hits).toEqual([]);
    // Listed too: the redirect is followed.
    const { flow: both } = await serve(flow('[127.0.0.0/8]'));
    const second = await pool.connect(`${both.url}/f`);
    second.send(`${redirector.base}/hop`);
    expect(await second.nextText()).toBe('secret from 127.0.0.2/stolen');
  });

  it('the exported service refuses the same way (same connectors), and sends nothing', async () => {
    const parsed = parseFlow(flow());
    if (!parsed.flow) throw new Error('flow did not parse');
    const out = await exportToTemp(parsed.flow, 'ssrf');
    try {
      const proc = await startExported(out);
      try {
        const client = await TestClient.connect(`${proc.url}/f`);
        client.send(`${loop.base}/from-export`);
        expect(await client.nextText()).toBe('refused');
        await client.close();
        await waitFor('the refusal in the log', () => proc.output().includes('WSF_HTTP_BLOCKED'));
        expect(loop.hits).not.toContain('/from-export');
      } finally {
        await proc.stop();
      }
    } finally {
      removeExport(out);
    }
  });

  it('a host fixed by the flow (client input only in the path) is not guarded', async () => {
    process.env.WSF_TEST_SSRF_API = loop.base;
    try {
      const { flow: running } = await serve(flow().replace('url: ${text}', 'url: ${env.WSF_TEST_SSRF_API}/users/${text}'));
      const client = await pool.connect(`${running.url}/f`);
      client.send('alice');
      expect(await client.nextText()).toBe('secret from 127.0.0.1/users/alice');
    } finally {
      delete process.env.WSF_TEST_SSRF_API;
    }
  });
});

describe('wsflow validate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wsflow-ssrf-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // One validate process for the three files: each run type-checks the generated code (seconds
  // on a loaded machine), so three runs could pass the default timeout.
  it('warns about a client-chosen host without allow (WSF_HTTP_URL_FROM_CLIENT), not with one; refuses a bad entry', async () => {
    const files = { warned: flow(), quiet: flow('[api.example.com, "*.example.org", 10.0.0.0/8, "fd00::/8"]'), bad: flow('["10.0.0.0/33", "http://x"]') };
    for (const [name, yaml] of Object.entries(files)) writeFileSync(join(dir, `${name}.wsflow.yaml`), yaml);
    const r = await execCli(['validate', ...Object.keys(files).map((n) => join(dir, `${n}.wsflow.yaml`))]);
    const lines = (r.stdout + r.stderr).split('\n');
    const of = (name: string) => lines.filter((l) => l.includes(`${name}.wsflow.yaml`)).join('\n');
    expect(r.code).toBe(2); // the bad file
    expect(of('warned')).toContain('WSF_HTTP_URL_FROM_CLIENT');
    expect(of('warned')).not.toContain(' error ');
    expect(of('quiet')).not.toContain('WSF_HTTP_');
    expect(of('bad')).toContain('WSF_HTTP_ALLOW_INVALID');
  }, 120_000);
});

describe('the rules, unit by unit', () => {
  it('finds client input that can reach the host', () => {
    expect(clientInputIn('${env.API}/users/${conn.params.name}')).toEqual([]);
    expect(clientInputIn('https://api.example.com/q?x=${json.x}')).toEqual([]);
    expect(clientInputIn('http://${conn.params.host}/x')).toEqual(['${conn.params.host}']);
    expect(clientInputIn('${env.API}${text}')).toEqual(['${text}']);
    expect(clientInputIn('http://api.example.com${text}')).toEqual(['${text}']);
  });

  it('classifies addresses', () => {
    for (const a of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fe80::1', 'fd12::1', '::ffff:127.0.0.1', '::ffff:a9fe:a9fe']) {
      expect(isPublicAddress(a), a).toBe(false);
    }
    for (const a of ['93.184.216.34', '8.8.8.8', '2606:4700::1111']) expect(isPublicAddress(a), a).toBe(true);
  });

  it('checks every address a name resolves to, and allow entries by name, suffix and CIDR', async () => {
    const resolveTo = (addresses: string[]) => () => Promise.resolve(addresses);
    await expect(checkGuardedUrl(new URL('http://rebind.example/'), {}, resolveTo(['93.184.216.34', '10.0.0.1']))).rejects.toThrow(/private/);
    await expect(checkGuardedUrl(new URL('http://fine.example/'), {}, resolveTo(['93.184.216.34']))).resolves.toBeUndefined();
    await expect(checkGuardedUrl(new URL('http://a.corp.example/'), { allow: ['*.corp.example'] }, resolveTo(['10.0.0.1']))).resolves.toBeUndefined();
    await expect(checkGuardedUrl(new URL('http://corp.example.evil/'), { allow: ['*.corp.example'] }, resolveTo(['93.184.216.34']))).rejects.toThrow(/allow list/);
    await expect(checkGuardedUrl(new URL('http://svc/'), { allow: ['10.0.0.0/8'] }, resolveTo(['10.9.9.9']))).resolves.toBeUndefined();
    expect(allowEntryProblem('10.0.0.0/8')).toBeUndefined();
    expect(allowEntryProblem('https://x')).toBeDefined();
  });
});
