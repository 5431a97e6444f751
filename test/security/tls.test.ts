/**
 * TLS over real sockets: `wsflow run --tls-cert F --tls-key F` and an exported service with
 * WSFLOW_TLS_CERT / WSFLOW_TLS_KEY serve `wss://` (a certificate made with openssl in a temp
 * folder); a half configuration is refused with exit code 2.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { runFlow, WSFLOW_BIN, REPO_ROOT } from '../helpers/cli.ts';
import { exportToTemp, removeExport, startExported } from '../export/exported.ts';
import { readFlowFile } from './flows.ts';

const ECHO = join(REPO_ROOT, 'samples/echo.wsflow.yaml');
let dir: string;
let cert: Buffer;
let certPath: string;
let keyPath: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wsflow-tls-'));
  certPath = join(dir, 'cert.pem');
  keyPath = join(dir, 'key.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyPath, '-out', certPath,
  ], { stdio: 'ignore' });
  cert = readFileSync(certPath);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Opens `url` trusting only the test certificate and checks one echo. */
async function echoOver(url: string): Promise<void> {
  const ws = new WebSocket(url, { ca: cert });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const reply = new Promise<string>((resolve) => ws.once('message', (d: Buffer) => resolve(d.toString())));
  ws.send('over tls');
  expect(await reply).toBe('over tls');
  ws.close();
}

describe('TLS', () => {
  it('wsflow run --tls-cert --tls-key serves wss:// and no plain ws://', async () => {
    const proc = await runFlow(ECHO, ['--tls-cert', certPath, '--tls-key', keyPath]);
    try {
      expect(proc.url).toMatch(/^wss:\/\//);
      await echoOver(`${proc.url}/chat`);
      const plain = new WebSocket(`ws://127.0.0.1:${proc.port}/chat`);
      await expect(new Promise((resolve, reject) => {
        plain.once('open', resolve);
        plain.once('error', reject);
      })).rejects.toThrow();
    } finally {
      expect(await proc.stop()).toBe(0);
    }
  });

  it('refuses --tls-cert without --tls-key, and an unreadable file, with exit code 2', () => {
    const half = spawnSync(process.execPath, [WSFLOW_BIN, 'run', ECHO, '--port', '0', '--tls-cert', certPath], { encoding: 'utf8', timeout: 60_000 });
    expect(half.status).toBe(2);
    expect(half.stderr).toMatch(/--tls-key is missing/);
    const missing = spawnSync(process.execPath, [WSFLOW_BIN, 'run', ECHO, '--port', '0', '--tls-cert', certPath, '--tls-key', join(dir, 'nope.pem')], { encoding: 'utf8', timeout: 60_000 });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/cannot read the TLS key/);
  });

  it('an exported service serves wss:// with WSFLOW_TLS_CERT and WSFLOW_TLS_KEY', async () => {
    const out = await exportToTemp(readFlowFile(ECHO), 'tls');
    const proc = await startExported(out, { WSFLOW_TLS_CERT: certPath, WSFLOW_TLS_KEY: keyPath });
    try {
      expect(proc.url).toMatch(/^wss:\/\//);
      await echoOver(`${proc.url}/chat`);
    } finally {
      await proc.stop();
      removeExport(out);
    }
  });
});
