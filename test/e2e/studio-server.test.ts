/**
 * The studio backend without a browser: token, Host and Origin checks on HTTP and WebSocket,
 * file access confined to the root, atomic saves, recovery copies, and a live run driven through
 * the protocol (test client, hot reload on the same connection, throttled traces).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFlow } from '../../runtime/model/parse.ts';
import type { StudioHandle } from '../../runtime/studio/server.ts';
import type { ApiClient } from '../helpers/studio-api.ts';
import { startStudioFixture, type StudioFixture } from '../helpers/studio-fixture.ts';
import { waitFor } from '../helpers/wait.ts';
import { TestClient } from '../helpers/ws-client.ts';

const ECHO = `wsflow: 1
name: echo-test
listener: { port: 9999 }
nodes:
  - id: up
    type: upgrader
    basePath: /echo
  - id: svc
    type: service
  - id: on-text
    type: onText
    code: |
      export default function onText(conn: Connection, text: string, ctx: ServiceContext) {
        conn.send('echo:' + text);
      }
edges:
  - { from: up, to: svc }
  - { from: svc, to: on-text }
`;

function get(port: number, pathAndQuery: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: pathAndQuery, headers }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, headers: res.headers });
    });
    req.on('error', reject);
  });
}


let fixture: StudioFixture;
let dir: string;
let outside: string;
let studio: StudioHandle;
let api: ApiClient;
const log: string[] = [];

beforeAll(async () => {
  fixture = await startStudioFixture({
    flow: { file: 'echo.wsflow.yaml', text: ECHO },
    prepare(inside, out) {
      writeFileSync(path.join(out, 'secret.wsflow.yaml'), 'secret');
      symlinkSync(path.join(out, 'secret.wsflow.yaml'), path.join(inside, 'link.wsflow.yaml'));
      symlinkSync(out, path.join(inside, 'linkdir'));
    },
    log: (line) => log.push(line),
  });
  ({ dir, outside, studio, api } = fixture);
});

afterAll(async () => {
  await fixture?.close();
});

describe('who may talk to the studio', () => {
  it('prints a loopback URL with a long random token', () => {
    expect(studio.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
  });

  it('refuses HTTP without the token, with a foreign Origin or a foreign Host', async () => {
    const host = { host: `127.0.0.1:${studio.port}` };
    expect((await get(studio.port, '/')).status).toBe(403);
    expect((await get(studio.port, '/?token=wrong')).status).toBe(403);
    expect((await get(studio.port, `/?token=${studio.token}`, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await get(studio.port, `/?token=${studio.token}`, { host: `evil.example:${studio.port}` })).status).toBe(421);
    const ok = await get(studio.port, `/?token=${studio.token}`, host);
    expect(ok.status).not.toBe(403);
    const cookie = String(ok.headers['set-cookie']?.[0] ?? '').split(';')[0]!;
    expect(ok.headers['set-cookie']?.[0]).toMatch(/HttpOnly; SameSite=Strict/);
    // Assets after the first load ride on the cookie.
    expect((await get(studio.port, '/assets/none.js', { cookie })).status).toBe(404);
    expect((await get(studio.port, '/assets/none.js')).status).toBe(403);
  });

  it('refuses the API WebSocket without the token or from another Origin', async () => {
    const base = `ws://127.0.0.1:${studio.port}/api`;
    expect((await TestClient.rejection(base)).status).toBe(403);
    expect((await TestClient.rejection(`${base}?token=nope`)).status).toBe(403);
    expect((await TestClient.rejection(`${base}?token=${studio.token}`, { headers: { origin: 'https://evil.example' } })).status).toBe(403);
    const accepted = await TestClient.connect(`${base}?token=${studio.token}`, { headers: { origin: `http://127.0.0.1:${studio.port}` } });
    await accepted.close();
  });
});

describe('files', () => {
  it('hello names the opened flow; list shows flows of the root only', async () => {
    const hello = await api.call('hello', {});
    expect(hello.file).toBe('echo.wsflow.yaml');
    const list = await api.call('list', {});
    expect(list.entries.map((e) => e.path)).toContain('echo.wsflow.yaml');
  });

  it('refuses paths that leave the folder: .., absolute, symlinks out', async () => {
    for (const p of ['../x.wsflow.yaml', 'a/../../x.wsflow.yaml', path.join(outside, 'secret.wsflow.yaml'), '/etc/passwd', 'link.wsflow.yaml', 'linkdir/secret.wsflow.yaml']) {
      await expect(api.call('open', { path: p }), p).rejects.toMatchObject({ code: 'WSF_STUDIO_PATH' });
    }
    await expect(api.call('saveAs', { path: 'linkdir/new.wsflow.yaml', text: 'x' })).rejects.toMatchObject({ code: 'WSF_STUDIO_PATH' });
    await expect(api.call('export', { text: ECHO, outDir: '../out' })).rejects.toMatchObject({ code: 'WSF_STUDIO_PATH' });
    expect(readFileSync(path.join(outside, 'secret.wsflow.yaml'), 'utf8')).toBe('secret');
  });

  it('saves atomically, refuses to clobber a file changed on disk, and keeps no temp files', async () => {
    const opened = await api.call('open', { path: 'echo.wsflow.yaml' });
    await expect(api.call('saveAs', { path: 'echo.wsflow.yaml', text: 'x' })).rejects.toMatchObject({ code: 'WSF_STUDIO_EXISTS' });
    const saved = await api.call('save', { path: 'echo.wsflow.yaml', text: `${opened.text}# saved\n`, expectedMtimeMs: opened.mtimeMs });
    expect(readFileSync(path.join(dir, 'echo.wsflow.yaml'), 'utf8')).toMatch(/# saved\n$/);
    await expect(api.call('save', { path: 'echo.wsflow.yaml', text: 'stale', expectedMtimeMs: opened.mtimeMs - 10_000 })).rejects.toMatchObject({
      code: 'WSF_STUDIO_CHANGED_ON_DISK',
    });
    expect(saved.mtimeMs).toBeGreaterThan(0);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('hands the designer the flow already parsed, located problems included, and re-reads a changed file', async () => {
    const opened = await api.call('open', { path: 'echo.wsflow.yaml' });
    const local = parseFlow(opened.text, opened.path);
    expect(opened.flow).toEqual(local.flow);
    expect(opened.problems).toEqual(local.problems);
    writeFileSync(path.join(dir, 'typo.wsflow.yaml'), 'wsflow: 1\nname: typo\nnodes:\n  - id: a\n    type: nope\n');
    const typo = await api.call('open', { path: 'typo.wsflow.yaml' });
    expect(typo.flow?.name).toBe('typo');
    expect(typo.problems).toEqual([expect.objectContaining({ code: 'WSF_NODE_TYPE_UNKNOWN', file: 'typo.wsflow.yaml', line: 5, col: 11, nodeId: 'a', field: 'type' })]);
    // Same path, new text: parsed again, not served from the previous answer.
    writeFileSync(path.join(dir, 'typo.wsflow.yaml'), 'wsflow: 1\nname: fixed\nnodes: []\n');
    const fixed = await api.call('open', { path: 'typo.wsflow.yaml' });
    expect(fixed.flow?.name).toBe('fixed');
    expect(fixed.problems.filter((p) => p.severity === 'error')).toEqual([]);
  });

  it('offers an autosaved recovery copy when the file is reopened, until it is saved', async () => {
    mkdirSync(path.join(dir, 'sub'), { recursive: true });
    await api.call('saveAs', { path: 'sub/r.wsflow.yaml', text: ECHO });
    await api.call('autosave', { path: 'sub/r.wsflow.yaml', text: `${ECHO}# unsaved work\n` });
    const reopened = await api.call('open', { path: 'sub/r.wsflow.yaml' });
    expect(reopened.recovery?.text).toMatch(/# unsaved work/);
    await api.call('save', { path: 'sub/r.wsflow.yaml', text: `${ECHO}# unsaved work\n` });
    expect((await api.call('open', { path: 'sub/r.wsflow.yaml' })).recovery).toBeUndefined();
    // The untitled document has its own recovery copy, offered by hello.
    await api.call('autosave', { text: ECHO });
    expect((await api.call('hello', {})).untitledRecovery?.text).toBe(ECHO);
    await api.call('discardRecovery', {});
    expect((await api.call('hello', {})).untitledRecovery).toBeUndefined();
  });
});

describe('validation', () => {
  it('type-checks on a worker thread: the studio keeps answering while a big flow is checked', async () => {
    const typo = ECHO.replace("conn.send('echo:' + text);", "conn.sned('echo:' + text);");
    const problems = (await api.call('validate', { text: typo })).problems;
    expect(problems.map((p) => `${p.nodeId}:${p.line} ${p.message}`)).toEqual([expect.stringMatching(/^on-text:14 .*'sned' does not exist/)]);
    // 150 snippets take the checker a while; hello must not wait for it.
    const many = Array.from({ length: 150 }, (_, i) => `  - id: h${i}\n    type: onText\n    code: |\n      export default function onText(conn: Connection, text: string) {\n        conn.send(text + ${i});\n      }\n`).join('');
    const big = ECHO.replace('edges:', `${many}edges:`);
    // Order of the answers: validate is asked first (on the same socket), hello answered first.
    const answered: string[] = [];
    const validating = api.call('validate', { text: big }).then(() => answered.push('validate'));
    await api.call('hello', {}).then(() => answered.push('hello'));
    await validating;
    expect(answered).toEqual(['hello', 'validate']);
    expect(log.filter((l) => l.includes('in-process'))).toEqual([]);
  });
});

describe('live run', () => {
  it('refuses to start an invalid flow with located problems', async () => {
    const broken = ECHO.replace("conn.send('echo:' + text);", "conn.send('echo:' + text;");
    const failure = await api.call('start', { text: broken, port: 0 }).catch((e: unknown) => e as { code: string; problems: { nodeId?: string; line?: number }[] });
    expect(failure).toMatchObject({ code: 'WSF_STUDIO_INVALID_FLOW' });
    const problem = (failure as { problems: { nodeId?: string; line?: number }[] }).problems[0];
    expect(problem?.nodeId).toBe('on-text');
    // Located in the file: the snippet's second line is line 14 of the YAML.
    expect(problem?.line).toBe(14);
  });

  it('runs, talks through a test client, hot-reloads on the same connection, and throttles traces', async () => {
    const run = await api.call('start', { text: ECHO, port: 0 });
    expect(run.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    const { clientId } = await api.call('clientOpen', { path: '/echo' });
    await api.waitFor((e) => e.event === 'client' && e.clientId === clientId && e.entry.kind === 'open');
    await api.call('clientSend', { clientId, data: 'one' });
    await api.waitFor((e) => e.event === 'client' && e.entry.kind === 'received' && e.entry.data === 'echo:one');

    const reloaded = await api.call('reload', { text: ECHO.replace("'echo:'", "'v2:'") });
    expect(reloaded.applied).toBe(true);
    await api.call('clientSend', { clientId, data: 'two' });
    await api.waitFor((e) => e.event === 'client' && e.entry.kind === 'received' && e.entry.data === 'v2:two');
    expect(api.events.some((e) => e.event === 'client' && e.clientId === clientId && e.entry.kind === 'close')).toBe(false);

    // A flood from a raw client: the relay forwards a bounded number of trace events.
    const raw = await TestClient.connect(`${run.url}/echo`);
    const before = api.events.length;
    const sentAt = Date.now();
    for (let i = 0; i < 5000; i++) raw.send(`m${i}`);
    for (let i = 0; i < 5000; i++) expect(await raw.next(30_000)).toBe(`v2:m${i}`);
    const seconds = (Date.now() - sentAt) / 1000;
    // Two stats pushes after the last echo: the relay has flushed what it will for the flood.
    const statsSoFar = api.events.filter((e) => e.event === 'stats').length;
    await waitFor('two more stats pushes', () => api.events.filter((e) => e.event === 'stats').length >= statsSoFar + 2);
    const traces = api.events.slice(before).filter((e) => e.event === 'trace');
    const forwarded = traces.reduce((n, e) => n + (e.event === 'trace' ? e.events.length : 0), 0);
    const stats = api.events.filter((e) => e.event === 'stats');
    expect(forwarded).toBeLessThan(5000);
    expect(stats.length).toBeGreaterThan(0);
    console.log(`[studio] 5000 msgs echoed in ${seconds.toFixed(2)} s; ${forwarded} trace events forwarded in ${traces.length} batches`);
    await raw.close();

    await api.call('stop', {});
    await api.waitFor((e) => e.event === 'run' && e.state === 'stopped');
    await api.waitFor((e) => e.event === 'client' && e.clientId === clientId && e.entry.kind === 'close');
  });

  it('exports into the root and lists the files written', async () => {
    const result = await api.call('export', { text: ECHO, outDir: 'out/echo' });
    expect(result.files).toContain('out/echo/Dockerfile');
    expect(result.files.every((f) => existsSync(path.join(dir, f)))).toBe(true);
  });
});
