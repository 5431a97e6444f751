/**
 * Studio hardening over real sockets: DNS rebinding (a page on an attacker's name that resolves
 * to 127.0.0.1 sends its own Host) is refused on HTTP and on the API WebSocket even with the
 * token, and every file-taking studio method refuses paths that leave the folder (`..`,
 * absolute paths, symlinks out) with WSF_STUDIO_PATH, writing nothing outside.
 */
import { readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudioHandle } from '../../runtime/studio/server.ts';
import type { ApiClient } from '../helpers/studio-api.ts';
import { startStudioFixture, type StudioFixture } from '../helpers/studio-fixture.ts';
import { TestClient } from '../helpers/ws-client.ts';

const FLOW = `wsflow: 1
name: tiny
listener: { port: 9999 }
nodes:
  - { id: up, type: upgrader, basePath: /t }
  - { id: svc, type: service }
edges:
  - { from: up, to: svc }
`;

let fixture: StudioFixture;
let dir: string;
let outside: string;
let studio: StudioHandle;
let api: ApiClient;

beforeAll(async () => {
  fixture = await startStudioFixture({
    flow: { file: 'tiny.wsflow.yaml', text: FLOW },
    prepare(inside, out) {
      writeFileSync(path.join(out, 'secret.wsflow.yaml'), 'secret');
      writeFileSync(path.join(out, 'api.yaml'), 'asyncapi: 2.6.0\ninfo: { title: x, version: "1" }\nchannels: {}\n');
      symlinkSync(out, path.join(inside, 'linkdir'));
      symlinkSync(path.join(out, 'secret.wsflow.yaml'), path.join(inside, 'link.wsflow.yaml'));
    },
  });
  ({ dir, outside, studio, api } = fixture);
});

afterAll(async () => {
  await fixture?.close();
});

function httpStatus(port: number, pathAndQuery: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: pathAndQuery, headers: { host } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
      .on('error', reject);
  });
}


describe('DNS rebinding', () => {
  const rebound = (port: number) => [`evil.example:${port}`, `127.0.0.1.nip.io:${port}`, `localhost.evil.example:${port}`, 'evil.example', `127.0.0.1:${port + 1}`];

  it('refuses HTTP requests whose Host is not the loopback name, even with the token', async () => {
    expect(await httpStatus(studio.port, `/?token=${studio.token}`, `127.0.0.1:${studio.port}`)).toBe(200);
    for (const host of rebound(studio.port)) {
      const status = await httpStatus(studio.port, `/?token=${studio.token}`, host);
      expect(status, host).toBeGreaterThanOrEqual(400);
    }
  });

  it('refuses the API WebSocket when the Host is not the loopback name, even with the token', async () => {
    const url = `ws://127.0.0.1:${studio.port}/api?token=${studio.token}`;
    await (await TestClient.connect(url)).close();
    for (const host of rebound(studio.port)) expect((await TestClient.rejection(url, { headers: { host } })).status, host).toBeGreaterThanOrEqual(400);
  });
});

describe('path traversal through every file-taking method', () => {
  const escapes = ['../x.wsflow.yaml', 'a/../../x.wsflow.yaml', '/etc/passwd', () => path.join(outside, 'secret.wsflow.yaml'), 'linkdir/secret.wsflow.yaml', 'link.wsflow.yaml', 'linkdir/new.wsflow.yaml'];
  const each = () => escapes.map((e) => (typeof e === 'function' ? e() : e));
  const refused = async (what: string, call: () => Promise<unknown>) => {
    let outcome: unknown;
    try {
      outcome = await call();
    } catch (error) {
      expect((error as { code?: string }).code, what).toBe('WSF_STUDIO_PATH');
      return;
    }
    // A call that did not refuse must not have touched anything outside the folder.
    expect(readdirSync(outside).sort(), `${what} -> ${JSON.stringify(outcome)}`).toEqual(['api.yaml', 'secret.wsflow.yaml']);
    expect(readdirSync(path.dirname(dir)).filter((f) => f === 'x.wsflow.yaml'), what).toEqual([]);
  };

  it('open, save, saveAs, export, importAsyncApi and list refuse every escape with WSF_STUDIO_PATH', async () => {
    for (const p of each()) {
      // (opening a file that does not exist behind a symlink says "not found": nothing is read)
      const openCodes = p === 'linkdir/new.wsflow.yaml' ? /^WSF_STUDIO_(PATH|NOT_FOUND)$/ : /^WSF_STUDIO_PATH$/;
      await expect(api.call('open', { path: p }), `open ${p}`).rejects.toMatchObject({ code: expect.stringMatching(openCodes) });
      await expect(api.call('save', { path: p, text: FLOW }), `save ${p}`).rejects.toMatchObject({ code: expect.stringMatching(/^WSF_STUDIO_PATH$/) });
      await expect(api.call('saveAs', { path: p, text: FLOW }), `saveAs ${p}`).rejects.toMatchObject({ code: 'WSF_STUDIO_PATH' });
    }
    for (const out of ['../out', '/tmp/wsflow-escape-out', 'linkdir/out', path.join(outside, 'out')]) {
      await expect(api.call('export', { text: FLOW, outDir: out }), `export ${out}`).rejects.toMatchObject({ code: 'WSF_STUDIO_PATH' });
    }
    for (const p of ['../api.yaml', path.join(outside, 'api.yaml'), 'linkdir/api.yaml']) {
      await expect(api.call('importAsyncApi', { path: p }), `importAsyncApi ${p}`).rejects.toMatchObject({ code: 'WSF_STUDIO_PATH' });
    }
    for (const d of ['..', '/etc', 'linkdir', outside]) {
      await expect(api.call('list', { dir: d }), `list ${d}`).rejects.toMatchObject({ code: 'WSF_STUDIO_PATH' });
    }
    expect(readdirSync(outside).sort()).toEqual(['api.yaml', 'secret.wsflow.yaml']);
    // percent-escapes are names, never decoded into `..`
    await expect(api.call('open', { path: '%2e%2e/x.wsflow.yaml' })).rejects.toMatchObject({ code: 'WSF_STUDIO_NOT_FOUND' });
  });

  it('autosave and discardRecovery never write or delete outside the folder', async () => {
    for (const p of each()) {
      await refused(`autosave ${p}`, () => api.call('autosave', { path: p, text: FLOW }));
      await refused(`discardRecovery ${p}`, () => api.call('discardRecovery', { path: p }));
    }
  });
});
