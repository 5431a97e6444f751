/**
 * The exported AsyncAPI document declares the upgraders' auth as security schemes (http bearer
 * for JWTs, httpApiKey for API keys) on the guarded channels only, for 2.6 and 3.0, and both the
 * document (@asyncapi/parser) and component.yaml stay valid.
 */
import { Parser } from '@asyncapi/parser';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { asyncApiYaml } from '../../runtime/export/asyncapi.ts';
import { componentYaml, CHOREO_RULES } from '../../runtime/export/choreo.ts';
import { planExport } from '../../runtime/export/plan.ts';
import type { FlowDocument, ServiceNode } from '../../runtime/model/types.ts';

type Json = Record<string, any>;

const incoming = { incoming: [{ name: 'Text', contentType: 'text/plain', schema: { type: 'string' } }], outgoing: [{ name: 'Reply', contentType: 'text/plain', schema: { type: 'string' } }] };
const FLOW: FlowDocument = {
  wsflow: 1,
  name: 'guarded',
  listener: { port: 9443 },
  nodes: [
    { id: 'jwt-up', type: 'upgrader', basePath: '/secure', auth: { type: 'jwt', secret: '${env.JWT_SECRET}', issuer: 'https://issuer.example', audience: 'chat' }, allowedOrigins: ['https://app.example.com'] },
    { id: 'key-up', type: 'upgrader', basePath: '/keyed', auth: { type: 'apiKey', keys: '${env.API_KEYS}', header: 'x-team-key' } },
    { id: 'open-up', type: 'upgrader', basePath: '/public' },
    { id: 'a', type: 'service', messages: incoming } as ServiceNode,
    { id: 'b', type: 'service', messages: incoming } as ServiceNode,
    { id: 'c', type: 'service', messages: incoming } as ServiceNode,
  ],
  edges: [
    { from: 'jwt-up', to: 'a' },
    { from: 'key-up', to: 'b' },
    { from: 'open-up', to: 'c' },
  ],
};

async function parserErrors(text: string): Promise<string[]> {
  const diagnostics = await new Parser().validate(text);
  return diagnostics.filter((d) => (d.severity as number) === 0 /* DiagnosticSeverity.Error */).map((d) => `${d.code} at ${d.path.join('.')}: ${d.message}`);
}

describe('AsyncAPI security schemes', () => {
  it('2.6: bearer and httpApiKey schemes, required on the guarded channels only, valid for @asyncapi/parser', async () => {
    const text = asyncApiYaml(planExport(FLOW), '2.6');
    expect(await parserErrors(text)).toEqual([]);
    const doc = parse(text) as Json;
    expect(doc.components.securitySchemes).toEqual({
      'apiKey-x-team-key': expect.objectContaining({ type: 'httpApiKey', name: 'x-team-key', in: 'header' }),
      bearerJwt: expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }),
    });
    expect(doc.channels['/secure'].publish.security).toEqual([{ bearerJwt: [] }]);
    expect(doc.channels['/keyed'].subscribe.security).toEqual([{ 'apiKey-x-team-key': [] }]);
    expect(doc.channels['/public'].publish.security).toBeUndefined();
    // the secret itself never reaches the document
    expect(text).not.toContain('JWT_SECRET');
  });

  it('3.0: the same schemes, referenced from the operations, valid for @asyncapi/parser', async () => {
    const text = asyncApiYaml(planExport(FLOW), '3.0');
    expect(await parserErrors(text)).toEqual([]);
    const doc = parse(text) as Json;
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['apiKey-x-team-key', 'bearerJwt']);
    const secured = Object.values(doc.operations as Json).filter((op) => op.security);
    expect(secured).toHaveLength(4);
  });

  it('a scheme of an unknown type is an error (the check can fail)', async () => {
    const text = asyncApiYaml(planExport(FLOW), '2.6').replace('type: httpApiKey', 'type: httpApiKeyz');
    expect((await parserErrors(text)).length).toBeGreaterThan(0);
  });

  it('component.yaml of a guarded flow keeps to the Choreo rules', () => {
    const doc = parse(componentYaml(planExport(FLOW))) as Json;
    expect(doc.schemaVersion).toBe(CHOREO_RULES.schemaVersion);
    for (const e of doc.endpoints as Json[]) {
      expect(e.name).toMatch(CHOREO_RULES.endpointName);
      expect(e.type).toBe('WS');
      expect(e.service.basePath).toMatch(CHOREO_RULES.basePath);
      expect(e.schemaFilePath).toBe('asyncapi.yaml');
    }
  });
});
