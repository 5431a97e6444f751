/**
 * A fast-check fuzzer over message payloads for every sample, served by the real engine: random
 * text, JSON-looking text and binary frames never crash the server, never send a stack trace to a
 * client, and a bystander connection plus fresh connections and /healthz are served throughout.
 * Samples that need outside services (`${env.NAME}` values: a broker, a backend) are left to
 * their own integration tests.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { basename } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileFlow, startFlow } from '../../runtime/engine/index.ts';
import { validateFlowText } from '../../runtime/check/index.ts';
import { joinPath } from '../../runtime/model/paths.ts';
import type { UpgraderNode } from '../../runtime/model/types.ts';
import { TestClient } from '../helpers/ws-client.ts';
import { sampleFiles } from './flows.ts';

const STACK = /\n\s+at |\bat [\w.<>]+ \(.*:\d+:\d+\)|\.(ts|mjs|js):\d+:\d+/;

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

/** A concrete URL path for an upgrader: `{param}` and `*` filled in, required query given. */
function concretePath(u: UpgraderNode, tag: string): string {
  const path = joinPath(u.basePath, u.upgradePath).replace(/\{[^}]+\}/g, tag).replace(/\*$/, tag);
  const query = Object.entries(u.query ?? {})
    .filter(([, spec]) => spec.required)
    .map(([name, spec]) => `${name}=${spec.type === 'string' ? tag : spec.type === 'boolean' ? 'true' : '1'}`);
  return query.length > 0 ? `${path}?${query.join('&')}` : path;
}

const payload = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 100 }),
  fc.json({ maxDepth: 3 }),
  fc.record({ type: fc.constantFrom('Connect', 'Data', 'Disconnect', 'x', ''), username: fc.string(), message: fc.anything() }).map((o) => JSON.stringify(o)),
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
);

const runnable = sampleFiles().filter((f) => !readFileSync(f, 'utf8').includes('${env.'));

describe('fuzzing message payloads (fast-check)', () => {
  for (const file of runnable) {
    it(`${basename(file)}: no crash, no stack trace to a client, others served`, async () => {
      // As the CLI reads it: components (chat-components) inlined from the files beside it.
      const { flow } = await validateFlowText(readFileSync(file, 'utf8'), file, { typecheck: false });
      if (!flow) throw new Error(`${file} does not parse`);
      const running = await startFlow(await compileFlow(flow), { port: 0 });
      const upgraders = flow.nodes.filter((n): n is UpgraderNode => n.type === 'upgrader');
      const received: string[] = [];
      let n = 0;
      const open = async (u: UpgraderNode) => {
        const client = await TestClient.connect(`${running.url}${concretePath(u, `fuzz${n++}`)}`);
        client.socket.on('message', (d: Buffer, binary: boolean) => {
          if (!binary) received.push(d.toString());
        });
        return client;
      };
      try {
        const bystander = await open(upgraders[0] as UpgraderNode);
        let bystanderClosed = false;
        void bystander.closed.then(() => (bystanderClosed = true));
        const clients = new Map<UpgraderNode, TestClient>();
        await fc.assert(
          fc.asyncProperty(fc.nat(upgraders.length - 1), fc.array(payload, { minLength: 1, maxLength: 8 }), async (which, messages) => {
            const u = upgraders[which] as UpgraderNode;
            let client = clients.get(u);
            if (!client || client.socket.readyState !== client.socket.OPEN) {
              client = await open(u);
              clients.set(u, client);
            }
            for (const m of messages) if (client.socket.readyState === client.socket.OPEN) client.socket.send(m);
          }),
          { numRuns: 60, seed: 7 },
        );
        // the server is alive: a fresh connection, /healthz, and the bystander still open
        const fresh = await open(upgraders[0] as UpgraderNode);
        expect(await healthz(running.port)).toBe(200);
        expect(bystanderClosed).toBe(false);
        fresh.socket.terminate();
        for (const c of clients.values()) c.socket.terminate();
        bystander.socket.terminate();
        const leaked = received.filter((t) => STACK.test(t));
        expect(leaked).toEqual([]);
      } finally {
        await running.stop({ drainTimeoutMs: 0 });
      }
    }, 240_000);
  }
});
