/**
 * Safe defaults of every served flow, with no `limits` in the flow, against the real CLI in a
 * child process (its RSS and descriptors read from /proc): a paused reader sent 1 GiB is cut and
 * the server's RSS stays bounded; the default connection cap sits below the descriptor limit and
 * /healthz answers while it is held; the default handshake timeout is at most 10 s; 10,000
 * connect/disconnect cycles leave RSS and descriptors back near their baseline.
 */
import { readdirSync, readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startProcess, WSFLOW_BIN } from '../helpers/cli.ts';
import type { RunningProcess } from '../helpers/cli.ts';
import { waitFor } from '../helpers/wait.ts';
import { TestClient } from '../helpers/ws-client.ts';

const BROADCAST = `wsflow: 1
name: fanout
listener: { port: 9000 }
nodes:
  - { id: up, type: upgrader, basePath: /b }
  - { id: svc, type: service, maxPayload: 2097152 }
  - id: on-text
    type: onText
    code: |
      export default function onText(conn: Connection, text: string, ctx: ServiceContext) {
        if (text === 'ping') conn.send('pong');
        else ctx.broadcast(text, { except: conn });
      }
edges:
  - { from: up, to: svc }
  - { from: svc, to: on-text }
`;

let dir: string;
let file: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wsflow-defaults-'));
  file = join(dir, 'fanout.wsflow.yaml');
  writeFileSync(file, BROADCAST);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function serve(ulimit?: number): Promise<RunningProcess> {
  if (ulimit === undefined) return startProcess(process.execPath, [WSFLOW_BIN, 'run', file, '--port', '0']);
  // `exec` so the child is node itself (its /proc entries are the server's)
  return startProcess('/bin/sh', ['-c', `ulimit -n ${ulimit} && exec "$0" "$@"`, process.execPath, WSFLOW_BIN, 'run', file, '--port', '0']);
}

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) / 1024;
}

function fds(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

function healthz(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path: '/healthz' }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    })
      .on('error', reject)
      .end();
  });
}

async function ping(client: TestClient): Promise<void> {
  client.send('ping');
  expect(await client.nextText(20_000)).toBe('pong');
}

describe('safe defaults (no limits in the flow)', () => {
  it('cuts a paused reader sent 1 GiB; the server stays under 700 MiB RSS and keeps serving', async () => {
    const proc = await serve();
    const pid = proc.child.pid as number;
    try {
      const reader = await TestClient.connect(`${proc.url}/b`);
      const sender = await TestClient.connect(`${proc.url}/b`);
      reader.socket.pause();
      const baseline = rssMiB(pid);
      const chunk = 'x'.repeat(1024 * 1024);
      let peak = 0;
      for (let i = 0; i < 1024; i++) {
        // wait for our own socket to drain so the sender is never the slow one
        await new Promise<void>((resolve, reject) => sender.socket.send(chunk, (e) => (e ? reject(e) : resolve())));
        if (i % 64 === 0) {
          await ping(sender);
          peak = Math.max(peak, rssMiB(pid));
        }
      }
      await ping(sender);
      peak = Math.max(peak, rssMiB(pid));
      reader.socket.resume();
      const closed = await reader.waitClosed(30_000);
      expect([1008, 1006]).toContain(closed.code);
      expect(proc.output()).toMatch(/slow reader/);
      // What a cut reader leaves is garbage waiting for V8's next collection: measured +117 to
      // +418 MiB depending on how busy the machine is (a quiet machine collects later, not less).
      // A reader that is never cut would hold the whole 1 GiB, more with its copies: the bound
      // sits between the two, far from both.
      expect(peak - baseline, `baseline ${baseline.toFixed(0)} MiB, peak ${peak.toFixed(0)} MiB`).toBeLessThan(700);
      sender.socket.terminate();
    } finally {
      await proc.stop();
    }
  }, 300_000);

  it('caps connections below the descriptor limit with 503, answering /healthz while the cap is held', async () => {
    // ulimit 200 -> cap floor(200 * 0.9) - 64 = 116
    const proc = await serve(200);
    const sockets: WebSocket[] = [];
    try {
      let refused = 0;
      for (let i = 0; i < 130; i++) {
        const ws = new WebSocket(`${proc.url}/b`);
        sockets.push(ws);
        const outcome = await new Promise<'open' | number>((resolve) => {
          ws.once('open', () => resolve('open'));
          ws.once('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0));
          ws.once('error', () => resolve(0));
        });
        if (outcome !== 'open') {
          expect(outcome).toBe(503);
          refused++;
        }
      }
      expect(refused).toBe(130 - 116);
      expect(await healthz(proc.port)).toBe(200);
    } finally {
      for (const ws of sockets) ws.terminate();
      await proc.stop();
    }
  }, 120_000);

  it('drops a client that never completes its upgrade request within 10 s', async () => {
    const proc = await serve();
    try {
      const socket = connect(proc.port, '127.0.0.1');
      socket.on('error', () => undefined);
      socket.write('GET /b HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      let answer = '';
      socket.on('data', (d: Buffer) => (answer += d.toString())); // read, so the server's close is seen
      await new Promise<void>((resolve) => socket.once('close', () => resolve()));
      // 408 names the cause (the request timed out); the 10 s default is bounded by this test's
      // 60 s timeout (process start included) rather than a wall-clock assertion.
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
    } finally {
      await proc.stop();
    }
  }, 60_000);

  it('10,000 connect/disconnect cycles leave descriptors at their baseline, and 20,000 more do not grow RSS', async () => {
    const proc = await serve();
    const pid = proc.child.pid as number;
    try {
      const url = `${proc.url}/b`;
      const cycle = async () => {
        const c = await TestClient.connect(url);
        await c.close();
      };
      const parallel = 20;
      const cycles = async (n: number) => {
        for (let round = 0; round < n / parallel; round++) await Promise.all(Array.from({ length: parallel }, cycle));
      };
      for (let i = 0; i < 200; i++) await cycle(); // warm up
      const baseRss = rssMiB(pid);
      const baseFds = fds(pid);
      await cycles(10_000);
      // sockets in TIME_WAIT are the kernel's; the server's descriptors close with the connection
      await waitFor('descriptors back near their baseline', () => fds(pid) <= baseFds + 2, 20_000, 100).catch(() => undefined);
      expect(fds(pid)).toBeLessThanOrEqual(baseFds + 2);
      // The first 10,000 let V8 size its heap once (measured 19-48 MiB above the warm baseline on
      // this 2-core machine, more the more code the process loaded): not a leak, it plateaus. A
      // leak grows with the cycles, so the next 10,000 must add little (measured: under 3 MiB), and
      // the whole stays far below what 20,000 leaked connections would hold.
      // One batch may still catch V8 growing its heap (measured +27 MiB once with another test
      // file running beside it), so two more batches run: a leak grows in both, noise in one.
      const afterFirst = rssMiB(pid);
      await cycles(10_000);
      const afterSecond = rssMiB(pid);
      await cycles(10_000);
      const afterThird = rssMiB(pid);
      const growth = Math.min(afterSecond - afterFirst, afterThird - afterSecond);
      expect(growth, `after 10,000: ${afterFirst.toFixed(0)} MiB; 20,000: ${afterSecond.toFixed(0)} MiB; 30,000: ${afterThird.toFixed(0)} MiB`).toBeLessThan(16);
      expect(afterThird - baseRss, `baseline ${baseRss.toFixed(0)} MiB`).toBeLessThan(96);
      expect(await healthz(proc.port)).toBe(200);
    } finally {
      await proc.stop();
    }
  }, 600_000);
});
