/**
 * AsyncAPI import: skeletons that validate and type-check, parser errors with locations, and
 * export -> import -> export keeping channels, parameters, bindings and messages for every sample.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { validateFlowText } from '../../runtime/check/index.ts';
import { asyncApiYaml } from '../../runtime/export/asyncapi.ts';
import { planExport } from '../../runtime/export/plan.ts';
import { ImportError, importAsyncApi } from '../../runtime/import/asyncapi.ts';
import type { UpgraderNode } from '../../runtime/model/types.ts';
import { loadSample, SAMPLES } from '../export/fixtures.ts';

type Json = Record<string, any>;
const FIXTURES = join(import.meta.dirname, 'fixtures');

/** What a round trip must keep, version-independent: per channel address, its parameters, bindings and messages. */
function essentials(text: string): Json {
  const doc = parse(text) as Json;
  const out: Json = {};
  const messages = doc.components?.messages ?? {};
  const resolve = (ref: Json) => messages[String(ref.$ref).split('/').pop() as string];
  const shape = (m: Json) => ({ name: m.name, contentType: m.contentType, payload: m.payload });
  if (doc.asyncapi.startsWith('2.')) {
    for (const [address, c] of Object.entries(doc.channels as Record<string, Json>)) {
      const list = (op?: Json) => (op ? (op.message.oneOf ?? [op.message]).map((r: Json) => shape(resolve(r))) : []);
      out[address] = { params: Object.keys(c.parameters ?? {}), ws: c.bindings?.ws ?? null, incoming: list(c.publish), outgoing: list(c.subscribe) };
    }
  } else {
    for (const [id, c] of Object.entries(doc.channels as Record<string, Json>)) {
      const ops = Object.values(doc.operations as Record<string, Json>).filter((o) => o.channel.$ref === `#/channels/${id}`);
      const list = (action: string) =>
        ops.filter((o) => o.action === action).flatMap((o) => o.messages.map((r: Json) => shape(resolve(c.messages[String(r.$ref).split('/').pop() as string]))));
      out[c.address] = { params: Object.keys(c.parameters ?? {}), ws: c.bindings?.ws ?? null, incoming: list('receive'), outgoing: list('send') };
    }
  }
  return out;
}

async function expectValid(yaml: string, file: string): Promise<void> {
  const { problems } = await validateFlowText(yaml, file);
  expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
}

describe('export -> import -> export', () => {
  for (const sample of SAMPLES) {
    for (const version of ['2.6', '3.0'] as const) {
      it(`${sample} (AsyncAPI ${version}) keeps channels, parameters, bindings and messages; the skeleton validates`, async () => {
        const flow = loadSample(sample);
        const first = asyncApiYaml(planExport(flow), version);
        const imported = await importAsyncApi(first, `${sample}.asyncapi.yaml`);
        await expectValid(imported.yaml, `${sample}.imported.wsflow.yaml`);
        expect(imported.flow.name).toBe(flow.name);
        expect(imported.flow.listener.port).toBe(flow.listener.port);
        // upgrader ids come back from x-wsflow-upgrader
        const ids = (f: typeof flow) => f.nodes.filter((n) => n.type === 'upgrader').map((n) => n.id).sort();
        expect(ids(imported.flow)).toEqual(ids(flow));
        const second = asyncApiYaml(planExport(imported.flow), version);
        expect(essentials(second)).toEqual(essentials(first));
        expect(Object.keys(essentials(second)).length).toBeGreaterThan(0);
      }, 60_000);
    }
  }

  it('notifications: channels with different messages get their own service; the YAML parses back to the flow', async () => {
    const imported = await importAsyncApi(asyncApiYaml(planExport(loadSample('notifications')), '2.6'), 'n.yaml');
    expect(imported.flow.nodes.filter((n) => n.type === 'service')).toHaveLength(2);
    const reread = parse(imported.yaml) as Json;
    expect(reread.nodes.map((n: Json) => n.id)).toEqual(imported.flow.nodes.map((n) => n.id));
    expect(imported.yaml.split('\n')[0]).toContain('$schema=');
  });
});

describe('importing an API Manager style AsyncAPI 2.0 document', () => {
  it('one upgrader per topic with parameters and query/header bindings, one service per message set, stubs that type-check', async () => {
    const file = join(FIXTURES, 'apim-websocket.yaml');
    const { flow, yaml, warnings } = await importAsyncApi(readFileSync(file, 'utf8'), file);
    await expectValid(yaml, 'apim.wsflow.yaml');
    expect(flow.name).toBe('websocket');
    expect(flow.listener.port).toBe(9099);
    const upgraders = flow.nodes.filter((n): n is UpgraderNode => n.type === 'upgrader');
    expect(upgraders.map((u) => [u.basePath, u.upgradePath ?? '/'])).toEqual([
      ['/', '/notifications'],
      ['/', '/rooms/{roomId}'],
    ]);
    expect(warnings).toEqual([]);
    const rooms = upgraders[1]!;
    expect(rooms.query).toEqual({ limit: { type: 'integer', default: 10 }, user: { type: 'string', required: true } });
    expect(rooms.headers).toEqual({ 'x-trace': { type: 'string' } });
    const types = flow.nodes.map((n) => n.type);
    expect(types.filter((t) => t === 'service')).toHaveLength(2);
    expect(types.filter((t) => t === 'onOpen' || t === 'onText' || t === 'onClose')).toHaveLength(6);
    // laid out in columns: upgraders, services, handlers
    const xs = (type: string) => new Set(flow.nodes.filter((n) => n.type === type).map((n) => n.position?.x));
    expect([...xs('upgrader')]).toEqual([0]);
    expect([...xs('service')]).toEqual([320]);
    expect([...xs('onText')]).toEqual([640]);
    const positions = flow.nodes.map((n) => `${n.position?.x},${n.position?.y}`);
    expect(new Set(positions).size).toBe(positions.length);
  });

  it('imports a hand-written AsyncAPI 3.0 document: send = outgoing, receive = incoming', async () => {
    const file = join(FIXTURES, 'market-3.0.yaml');
    const { flow, yaml } = await importAsyncApi(readFileSync(file, 'utf8'), file);
    await expectValid(yaml, 'market.wsflow.yaml');
    expect(flow).toMatchObject({ name: 'market-data', displayName: 'Market Data', version: '2.1.0', listener: { port: 7443 } });
    const upgrader = flow.nodes.find((n): n is UpgraderNode => n.type === 'upgrader')!;
    expect([upgrader.basePath, upgrader.upgradePath]).toEqual(['/ticker', '/{symbol}']);
    expect(upgrader.query).toEqual({ depth: { type: 'integer' } });
    const service = flow.nodes.find((n) => n.type === 'service') as Json;
    expect(service.messages.incoming.map((m: Json) => m.name)).toEqual(['SubscribeRequest']);
    expect(service.messages.outgoing).toEqual([
      { name: 'Quote', contentType: 'application/json', schema: { type: 'object', properties: { price: { type: 'number' } } } },
    ]);
  });

  it('reports parser errors with file:line:col and writes nothing', async () => {
    const file = join(FIXTURES, 'broken.yaml');
    const error = await importAsyncApi(readFileSync(file, 'utf8'), file).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ImportError);
    const problems = (error as ImportError).problems;
    expect(problems.length).toBeGreaterThan(0);
    for (const line of problems) expect(line).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: error `));
    expect(problems.join('\n')).toMatch(/version/);
  });

  it('refuses text that is not AsyncAPI at all', async () => {
    await expect(importAsyncApi('just: yaml\n', 'x.yaml')).rejects.toBeInstanceOf(ImportError);
  });
});
