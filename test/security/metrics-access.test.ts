/**
 * `/metrics` behind a token (`WSFLOW_METRICS_TOKEN`) in `wsflow run` and the exported service,
 * and its short render cache: a burst of scrapes costs one render, and a later scrape is fresh.
 * Real processes and sockets.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseFlow } from '../../runtime/model/parse.ts';
import { execCli, runFlow, type RunningProcess } from '../helpers/cli.ts';
import { freePort } from '../helpers/net.ts';
import { waitFor } from '../helpers/wait.ts';
import { TestClient } from '../helpers/ws-client.ts';
import { start } from '../engine/helpers.ts';
import { exportToTemp, removeExport, startExported } from '../export/exported.ts';

const TOKEN = 'scrape-token-1';
const FLOW = `wsflow: 1
name: metered
listener: { port: 9999 }
nodes:
  - { id: up, type: upgrader, basePath: /chat }
  - { id: svc, type: service }
  - { id: on-text, type: onText }
  - { id: echo, type: reply, value: text }
edges:
  - { from: up, to: svc }
  - { from: svc, to: on-text }
  - { from: on-text, to: echo }
`;
const dir = mkdtempSync(join(tmpdir(), 'wsflow-metrics-'));
const file = join(dir, 'metered.wsflow.yaml');
writeFileSync(file, FLOW);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function status(port: number, authorization?: string): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: authorization ? { authorization } : {} });
  await res.arrayBuffer();
  return res.status;
}

async function expectGuarded(proc: RunningProcess): Promise<void> {
  expect(await status(proc.port)).toBe(401);
  expect(await status(proc.port, 'Bearer wrong')).toBe(401);
  expect(await status(proc.port, `Bearer ${TOKEN}`)).toBe(200);
}

describe('WSFLOW_METRICS_TOKEN', () => {
  it('wsflow run: /metrics answers 401 without the bearer token, 200 with it', async () => {
    const proc = await runFlow(file, [], { WSFLOW_METRICS_TOKEN: TOKEN });
    try {
      await expectGuarded(proc);
    } finally {
      await proc.stop();
    }
  });

  it('the exported service: the same', async () => {
    const parsed = parseFlow(FLOW, file);
    if (!parsed.flow) throw new Error('flow did not parse');
    const out = await exportToTemp(parsed.flow, 'metrics-token');
    try {
      const proc = await startExported(out, { WSFLOW_METRICS_TOKEN: TOKEN });
      try {
        await expectGuarded(proc);
      } finally {
        await proc.stop();
      }
    } finally {
      removeExport(out);
    }
  });
});

describe('WSFLOW_METRICS_PORT', () => {
  async function expectOwnPort(proc: RunningProcess, port: number): Promise<void> {
    // The listener no longer answers /metrics (a plain 404/426 like any path); the metrics port does.
    expect(await status(proc.port)).not.toBe(200);
    expect(await status(port)).toBe(200);
    const other = await fetch(`http://127.0.0.1:${port}/chat`);
    await other.arrayBuffer();
    expect(other.status).toBe(404);
  }

  it('wsflow run and the exported service serve /metrics on that port only; a bad value is exit 2', async () => {
    const port = await freePort();
    const proc = await runFlow(file, [], { WSFLOW_METRICS_PORT: String(port) });
    try {
      await expectOwnPort(proc, port);
      expect(proc.output()).toContain(`metrics on http://127.0.0.1:${port}/metrics`);
    } finally {
      await proc.stop();
    }
    const parsed = parseFlow(FLOW, file);
    if (!parsed.flow) throw new Error('flow did not parse');
    const out = await exportToTemp(parsed.flow, 'metrics-port');
    try {
      const exportPort = await freePort();
      const exported = await startExported(out, { WSFLOW_METRICS_PORT: String(exportPort) });
      try {
        await expectOwnPort(exported, exportPort);
      } finally {
        await exported.stop();
      }
    } finally {
      removeExport(out);
    }
    const bad = await execCli(['run', file, '--port', '0'], { env: { WSFLOW_METRICS_PORT: 'ninety' } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('WSFLOW_METRICS_PORT must be a port number');
  });
});

describe('the render cache', () => {
  it('a burst of scrapes gets one render; a later scrape sees new counts', async () => {
    const flow = await start(FLOW.replace('port: 9999', 'port: 0'), { metrics: true });
    try {
      const texts = await Promise.all(Array.from({ length: 20 }, () => fetch(`http://127.0.0.1:${flow.port}/metrics`).then((r) => r.text())));
      // Process metrics (CPU, heap, event-loop lag) differ between two renders: identical bodies are one render.
      expect(new Set(texts).size).toBe(1);
      const client = await TestClient.connect(`${flow.url}/chat`);
      client.send('hi');
      expect(await client.nextText()).toBe('hi');
      await client.close();
      await waitFor('a fresh render with the message counted', async () => {
        const text = await (await fetch(`http://127.0.0.1:${flow.port}/metrics`)).text();
        return /wsflow_messages_received_total\{service="svc"\} 1/.test(text);
      });
    } finally {
      await flow.stop({ drainTimeoutMs: 0 });
    }
  });
});
