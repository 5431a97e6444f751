/**
 * The studio keeps to its folder (issue 18, finding 5): each escape the adversarial run found is
 * refused with WSF_STUDIO_PATH and leaves nothing outside.
 */
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { ApiClient } from '../helpers/studio-api.ts';
import { startStudioFixture, type StudioFixture } from '../helpers/studio-fixture.ts';

const ECHO = `wsflow: 1
name: guarded
listener: { port: 9999 }
nodes:
  - { id: up, type: upgrader, basePath: /echo }
  - { id: svc, type: service }
  - id: on-text
    type: onText
    code: |
      export default function onText(conn: Connection, text: string) {
        conn.send(text);
      }
edges:
  - { from: up, to: svc }
  - { from: svc, to: on-text }
`;

function asyncapi(ref: string): string {
  return `asyncapi: 2.6.0
info: { title: Refs, version: 1.0.0 }
channels:
  /chat:
    publish:
      message:
        payload:
          $ref: '${ref}'
`;
}

let fixture: StudioFixture;
let dir: string;
let outside: string;
let api: ApiClient;

beforeAll(async () => {
  fixture = await startStudioFixture({
    flow: { file: 'echo.wsflow.yaml', text: ECHO },
    prepare(inside, out) {
      writeFileSync(path.join(out, 'secret.json'), JSON.stringify({ type: 'string', description: 'TOP-SECRET-CONTENT' }));
      mkdirSync(path.join(inside, 'api', 'schemas'), { recursive: true });
      writeFileSync(path.join(inside, 'api', 'schemas', 'msg.json'), JSON.stringify({ type: 'string', description: 'inside-ok' }));
      writeFileSync(path.join(inside, 'sibling.json'), JSON.stringify({ type: 'string' }));
      symlinkSync(out, path.join(inside, 'api', 'linked'));
      symlinkSync(out, path.join(inside, 'out-link'));
    },
  });
  ({ dir, outside, api } = fixture);
});

afterAll(async () => {
  await fixture?.close();
});

describe('AsyncAPI import: $refs stay in the document folder', () => {
  it('follows a relative $ref inside the folder, against the document (not the working folder)', async () => {
    writeFileSync(path.join(dir, 'api', 'asyncapi.yaml'), asyncapi('./schemas/msg.json'));
    const result = await api.call('importAsyncApi', { path: 'api/asyncapi.yaml' });
    expect(result.yaml).toContain('inside-ok');
  });

  const escapes: [string, string][] = [
    ['an absolute path', ''], // filled in below with the outside file
    ['a relative path up and out', '../../OUTSIDE/secret.json'],
    ['a sibling of the document folder', '../sibling.json'],
    ['a symlinked subfolder', './linked/secret.json'],
  ];
  for (const [what, ref] of escapes) {
    it(`refuses ${what}`, async () => {
      const target = ref === '' ? path.join(outside, 'secret.json') : ref.replace('OUTSIDE', path.relative(path.dirname(dir), outside));
      writeFileSync(path.join(dir, 'api', 'asyncapi.yaml'), asyncapi(target));
      const error = await api.call('importAsyncApi', { path: 'api/asyncapi.yaml' }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'WSF_STUDIO_PATH' });
      expect(String((error as Error).message)).not.toContain('TOP-SECRET');
    });
  }

  it('refuses an uploaded text whose $ref is an absolute path', async () => {
    const text = asyncapi(path.join(outside, 'secret.json'));
    await expect(api.call('importAsyncApi', { text, name: 'up.yaml' })).rejects.toMatchObject({ code: 'WSF_STUDIO_PATH' });
  });

  it('fetches a URL $ref only when the user confirmed it', async () => {
    let hits = 0;
    const server = http.createServer((_req, res) => {
      hits++;
      res.end(JSON.stringify({ type: 'string', description: 'from-the-url' }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/schema.json`;
    try {
      const text = asyncapi(url);
      await expect(api.call('importAsyncApi', { text, name: 'url.yaml' })).rejects.toMatchObject({ code: 'WSF_STUDIO_PATH' });
      expect(hits).toBe(0);
      const result = await api.call('importAsyncApi', { text, name: 'url.yaml', allowUrls: true });
      expect(result.yaml).toContain('from-the-url');
      expect(hits).toBeGreaterThan(0);
    } finally {
      server.close();
    }
  });
});

describe('writes stay in the folder', () => {
  it('save writes only flow and flow-test files', async () => {
    mkdirSync(path.join(dir, '.git', 'hooks'), { recursive: true });
    for (const p of ['.git/hooks/pre-commit', 'notes.txt', 'package.json', 'echo.wsflow.yaml.sh']) {
      await expect(api.call('save', { path: p, text: 'echo pwned' }), p).rejects.toMatchObject({ code: 'WSF_STUDIO_PATH' });
      expect(existsSync(path.join(dir, p)), p).toBe(false);
    }
    await api.call('save', { path: 'echo.wsflow.test.yaml', text: 'tests: []\n' });
    expect(readFileSync(path.join(dir, 'echo.wsflow.test.yaml'), 'utf8')).toBe('tests: []\n');
  });

  it('export refuses an output folder whose subfolder is a symlink out of the folder', async () => {
    mkdirSync(path.join(dir, 'exp'));
    symlinkSync(outside, path.join(dir, 'exp', 'k8s'));
    await expect(api.call('export', { text: ECHO, outDir: 'exp' })).rejects.toMatchObject({ code: 'WSF_STUDIO_PATH' });
    await expect(api.call('export', { text: ECHO, outDir: 'out-link/x' })).rejects.toMatchObject({ code: 'WSF_STUDIO_PATH' });
    expect(readdirSync(outside).sort()).toEqual(['secret.json']);
    // Nothing was half-written either: the check runs before the first file.
    expect(readdirSync(path.join(dir, 'exp'))).toEqual(['k8s']);
  });

  it('autosave refuses a recovery folder that is a symlink out of the folder', async () => {
    symlinkSync(outside, path.join(dir, '.wsflow-recovery'));
    try {
      await expect(api.call('autosave', { path: 'echo.wsflow.yaml', text: ECHO })).rejects.toMatchObject({ code: 'WSF_STUDIO_PATH' });
      await expect(api.call('autosave', { text: ECHO })).rejects.toMatchObject({ code: 'WSF_STUDIO_PATH' });
      expect(readdirSync(outside).sort()).toEqual(['secret.json']);
    } finally {
      rmSync(path.join(dir, '.wsflow-recovery'));
    }
    expect(lstatSync(path.join(dir, 'echo.wsflow.yaml')).isFile()).toBe(true);
  });
});

describe('test clients reach only the running flow', () => {
  it('refuses clientOpen with //host:port/x or a full URL, and opens a client on the flow', async () => {
    const other = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    let reached = 0;
    other.on('connection', (ws) => {
      reached++;
      ws.close();
    });
    await new Promise((r) => other.once('listening', r));
    const port = (other.address() as AddressInfo).port;
    await api.call('start', { text: ECHO, path: 'echo.wsflow.yaml', port: 0 });
    try {
      for (const p of [`//127.0.0.1:${port}/x`, `ws://127.0.0.1:${port}/x`, `\\\\127.0.0.1:${port}/x`, `/\\127.0.0.1:${port}/x`]) {
        await expect(api.call('clientOpen', { path: p }), p).rejects.toMatchObject({ code: 'WSF_STUDIO_PATH' });
      }
      const opened = await api.call('clientOpen', { path: '/echo' });
      expect(new URL(opened.url).port).not.toBe(String(port));
      await api.waitFor((e) => e.event === 'client' && e.clientId === opened.clientId && e.entry.kind === 'open');
      expect(reached).toBe(0);
    } finally {
      await api.call('stop', {});
      other.close();
    }
  });
});
