/**
 * `${ env.S }` (spaces inside the braces) is one reference wherever a flow's values are read:
 * listed as required, not flagged as an inline secret, substituted in auth (over a real socket),
 * in connector templates and in flow-test client fields, and recognised as a broker variable by
 * the exporter. Each place reads it through runtime/model/env-refs.ts.
 */
import { describe, expect, it } from 'vitest';
import { validateFlowText } from '../../runtime/check/index.ts';
import { parseFlow } from '../../runtime/model/parse.ts';
import { envVariables } from '../../runtime/model/connectors.ts';
import { renderTemplate, scanTemplate } from '../../runtime/model/template.ts';
import { envRefs, resolveEnvRefs, wholeEnvRef } from '../../runtime/model/env-refs.ts';
import { localBrokers } from '../../runtime/export/connector-env.ts';
import { readTestText } from '../../runtime/flowtest/load.ts';
import type { FlowDocument } from '../../runtime/model/types.ts';
import { start } from '../engine/helpers.ts';
import { TestClient } from '../helpers/ws-client.ts';

const SPACED = '${ env.S }';

const FLOW = `wsflow: 1
name: spaced
listener: { port: 9000 }
nodes:
  - id: up
    type: upgrader
    basePath: /s
    auth: { type: apiKey, keys: "${SPACED}" }
    allowedOrigins: [https://app.example.com]
  - { id: svc, type: service }
edges:
  - { from: up, to: svc }
`;

describe('${ env.S } behaves as ${env.S} in every place', () => {
  it('the parser reads both spellings, and leaves other placeholders alone', () => {
    for (const text of [SPACED, '${env.S}', '${env.S }', '${\tenv.S}']) {
      expect(envRefs(`a ${text} b`)).toEqual(['S']);
      expect(resolveEnvRefs(`a ${text} b`, { S: 'v' })).toEqual({ value: 'a v b', missing: [] });
      expect(wholeEnvRef(` ${text} `)).toBe('S');
    }
    expect(envRefs('${env.1X} ${env.A.B} ${conn.params.p} $env.S {env.S}')).toEqual([]);
    expect(resolveEnvRefs('${conn.params.p}/${ env.S }', {})).toEqual({ value: '${conn.params.p}/', missing: ['S'] });
    expect(wholeEnvRef('mqtt://${env.S}')).toBeUndefined();
  });

  it('is listed as a variable the flow needs', () => {
    const parsed = parseFlow(FLOW, 'spaced.wsflow.yaml');
    expect(parsed.flow && envVariables(parsed.flow)).toEqual(['S']);
  });

  it('is not flagged as a secret written in the flow file', async () => {
    const { problems } = await validateFlowText(FLOW, 'spaced.wsflow.yaml');
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(problems.map((p) => p.code)).not.toContain('WSF_AUTH_SECRET_INLINE');
  });

  it('is substituted in auth: the key from the environment opens the socket, the literal text does not', async () => {
    const flow = await start(FLOW, { port: 0, env: { S: 'key-from-env' } });
    try {
      const url = `${flow.url}/s`;
      const client = await TestClient.connect(url, { headers: { 'x-api-key': 'key-from-env' } });
      client.socket.terminate();
      expect((await TestClient.rejection(url, { headers: { 'x-api-key': SPACED } })).status).toBe(401);
    } finally {
      await flow.stop({ drainTimeoutMs: 0 });
    }
  });

  it('is filled in connector templates and names the broker variable for the export', () => {
    expect(scanTemplate(`mqtt://${SPACED}:1883`)).toMatchObject({ issues: [], refs: [{ path: ['env', 'S'] }] });
    expect(renderTemplate(`mqtt://${SPACED}:1883`, { env: { S: 'broker' } })).toBe('mqtt://broker:1883');
    const flow: FlowDocument = { wsflow: 1, name: 'b', listener: { port: 1 }, nodes: [{ id: 'm', type: 'mqttIn', url: SPACED, topic: 't' }], edges: [] };
    expect(localBrokers(flow).map((b) => b.variable)).toEqual(['S']);
  });

  it('is substituted in flow-test client fields', () => {
    const text = ['wsflowTest: 1', 'tests:', '  - name: t', `    clients: { a: { path: /s, token: "${SPACED}" } }`, '    steps:', '      - connect: a', ''].join('\n');
    const { suite, problems } = readTestText(text, { file: 't.wsflow.test.yaml', env: { S: 'tok' } });
    expect(problems).toEqual([]);
    expect(suite?.tests[0]?.clients.a?.token).toBe('tok');
  });
});
