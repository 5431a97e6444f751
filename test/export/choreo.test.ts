/** .choreo/component.yaml checked against every rule DESIGN.md lists, and the export errors. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CHOREO_RULES, componentYaml } from '../../runtime/export/choreo.ts';
import { ExportError } from '../../runtime/export/errors.ts';
import { exportArtifacts } from '../../runtime/export/index.ts';
import { planExport } from '../../runtime/export/plan.ts';
import type { FlowDocument, UpgraderNode } from '../../runtime/model/types.ts';
import { loadSample, SAMPLES, variant } from './fixtures.ts';

type Json = Record<string, any>;

/** The documented rules, written out independently of the exporter's own constants. */
function ruleViolations(doc: Json, files: string[]): string[] {
  const out: string[] = [];
  if (![1.0, 1.1, 1.2].includes(doc.schemaVersion)) out.push(`schemaVersion ${doc.schemaVersion}`);
  const names = new Set<string>();
  for (const [i, e] of (doc.endpoints as Json[]).entries()) {
    if (typeof e.name !== 'string' || !/^[a-z][a-z0-9_-]*$/.test(e.name) || e.name.length > 50) out.push(`endpoints[${i}].name`);
    if (names.has(e.name)) out.push(`endpoints[${i}].name duplicate`);
    names.add(e.name);
    if (e.displayName !== undefined && (typeof e.displayName !== 'string' || e.displayName.length > 50)) out.push(`endpoints[${i}].displayName`);
    if (!Number.isInteger(e.service?.port) || e.service.port < 1001 || e.service.port > 65534) out.push(`endpoints[${i}].service.port`);
    if (typeof e.service?.basePath !== 'string' || !/^\/[a-zA-Z0-9/_-]*$/.test(e.service.basePath)) out.push(`endpoints[${i}].service.basePath`);
    if (e.type !== 'WS') out.push(`endpoints[${i}].type`);
    const vis = e.networkVisibilities as unknown[];
    if (!Array.isArray(vis) || vis.some((v) => !['Public', 'Project', 'Organization'].includes(v as string))) out.push(`endpoints[${i}].networkVisibilities`);
    if (!files.includes(e.schemaFilePath)) out.push(`endpoints[${i}].schemaFilePath missing`);
  }
  for (const env of (doc.configurations?.env ?? []) as Json[]) {
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(env.name)) out.push(`configurations.env ${env.name}`);
  }
  return out;
}

function exportError(flow: FlowDocument): ExportError {
  try {
    componentYaml(planExport(flow));
  } catch (error) {
    if (error instanceof ExportError) return error;
    throw error;
  }
  throw new Error('expected an ExportError');
}

describe('.choreo/component.yaml', () => {
  for (const sample of SAMPLES) {
    it(`${sample}: obeys every documented rule and points at a file that is exported`, async () => {
      const files = await exportArtifacts(loadSample(sample), { bundle: false });
      const component = files.find((f) => f.path === '.choreo/component.yaml');
      expect(component).toBeDefined();
      const doc = parse(component!.content) as Json;
      expect(doc.schemaVersion).toBe(1.2);
      expect(doc.endpoints).toHaveLength(1);
      expect(ruleViolations(doc, files.map((f) => f.path))).toEqual([]);
    });
  }

  it('the rule checker itself rejects a bad file', () => {
    const bad = { schemaVersion: 2, endpoints: [{ name: 'Bad Name', service: { port: 80, basePath: 'x' }, type: 'REST', networkVisibilities: ['World'], schemaFilePath: 'nope.yaml' }] };
    expect(ruleViolations(bad, [])).toHaveLength(7);
  });

  it('chat: endpoint from the flow metadata', () => {
    const doc = parse(componentYaml(planExport(loadSample('chat')))) as Json;
    expect(doc.endpoints[0]).toEqual({
      name: 'chat-app',
      displayName: 'Chat App',
      service: { basePath: '/chat', port: 9090 },
      type: 'WS',
      networkVisibilities: ['Public'],
      schemaFilePath: 'asyncapi.yaml',
    });
  });

  it('base path: the longest common prefix of the upgraders (notifications: /websocket), / when none', () => {
    expect((parse(componentYaml(planExport(loadSample('notifications')))) as Json).endpoints[0].service.basePath).toBe('/websocket');
    const split = variant('notifications', (f) => {
      (f.nodes.find((n) => n.id === 'rooms-upgrader') as UpgraderNode).basePath = '/rooms-api';
    });
    expect((parse(componentYaml(planExport(split))) as Json).endpoints[0].service.basePath).toBe('/');
    const deeper = variant('notifications', (f) => {
      (f.nodes.find((n) => n.id === 'rooms-upgrader') as UpgraderNode).basePath = '/websocket/v2';
    });
    expect((parse(componentYaml(planExport(deeper))) as Json).endpoints[0].service.basePath).toBe('/websocket');
  });

  it('network visibilities come from an optional choreo section', () => {
    const flow = variant('chat', (f) => (f.choreo = { networkVisibilities: ['Project', 'Organization'] }));
    expect((parse(componentYaml(planExport(flow))) as Json).endpoints[0].networkVisibilities).toEqual(['Project', 'Organization']);
    const bad = exportError(variant('chat', (f) => (f.choreo = { networkVisibilities: ['Internet'] })));
    expect(bad.field).toBe('choreo.networkVisibilities');
  });

  it('a port outside 1001-65534 is an export error naming listener.port', () => {
    const error = exportError(variant('chat', (f) => (f.listener.port = 80)));
    expect(error.code).toBe('WSF_EXPORT_CHOREO_RULE');
    expect(error.field).toBe('listener.port');
    expect(error.message).toContain("listener.port: 80 is outside Choreo's 1001-65534 range");
    expect(exportError(variant('chat', (f) => (f.listener.port = 65535))).field).toBe('listener.port');
  });

  it('names Choreo rejects are export errors naming the field', () => {
    expect(exportError(variant('chat', (f) => (f.name = '9lives'))).field).toBe('name');
    expect(exportError(variant('chat', (f) => (f.name = `a${'b'.repeat(50)}`))).message).toContain('at most 50');
    const long = exportError(variant('chat', (f) => (f.displayName = 'A display name that is far longer than fifty characters')));
    expect(long.field).toBe('displayName');
    const base = exportError(variant('chat', (f) => ((f.nodes[0] as UpgraderNode).basePath = '/chat.v1')));
    expect(base.field).toBe('nodes[0].basePath');
    expect(base.nodeId).toBe('upgrader');
  });

  it('exportArtifacts stops at the first rule broken, before writing anything', async () => {
    await expect(exportArtifacts(variant('echo', (f) => (f.listener.port = 1000)), { bundle: false })).rejects.toThrow(/listener\.port: 1000/);
    expect(CHOREO_RULES.minPort).toBe(1001);
  });
});

describe('snippets that do not compile', () => {
  it('are an ExportError naming the node and its code field, not a crash', async () => {
    const flow = variant('echo', (f) => {
      (f.nodes.find((n) => n.id === 'on-text') as { code: string }).code = 'export default function onText( {\n';
    });
    const error = await exportArtifacts(flow).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ExportError);
    expect((error as ExportError).code).toBe('WSF_EXPORT_SNIPPET');
    expect((error as ExportError).nodeId).toBe('on-text');
    expect((error as ExportError).field).toMatch(/^nodes\[\d+\]\.code$/);
  });
});

describe('writing', () => {
  it('an --out that is a file is a WSF_EXPORT_WRITE error, not a crash', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { writeOutput } = await import('../../runtime/export/write.ts');
    const dir = mkdtempSync(join(tmpdir(), 'wsflow-write-'));
    try {
      const notADir = join(dir, 'file');
      writeFileSync(notADir, 'x');
      const error = await writeOutput(notADir, [{ path: 'a/b.txt', content: 'b' }], false).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ExportError);
      expect((error as ExportError).code).toBe('WSF_EXPORT_WRITE');
      // and a normal write is atomic: no temp files left behind
      await writeOutput(dir, [{ path: 'k8s/x.yaml', content: 'x: 1\n' }], false);
      const { readdirSync } = await import('node:fs');
      expect(readdirSync(join(dir, 'k8s'))).toEqual(['x.yaml']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
