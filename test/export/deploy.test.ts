/** Dockerfile, .dockerignore, docker-compose.yml and the Kubernetes manifests, read back and checked. */
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { exportArtifacts, type OutputFile } from '../../runtime/export/index.ts';
import { loadSample, SAMPLES, variant } from './fixtures.ts';

type Json = Record<string, any>;

function file(files: OutputFile[], path: string): string {
  const f = files.find((x) => x.path === path);
  if (!f) throw new Error(`${path} not exported; got ${files.map((x) => x.path).join(', ')}`);
  return f.content;
}

/** Dockerfile instructions as [keyword, rest] (no line continuations are used). */
function instructions(text: string): [string, string][] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => {
      const m = /^(\S+)\s+(.*)$/.exec(l);
      return [m?.[1] ?? l, m?.[2] ?? ''] as [string, string];
    });
}

describe('Docker artifacts', () => {
  for (const sample of SAMPLES) {
    it(`${sample}: pinned slim base, non-root, EXPOSE, HEALTHCHECK with node, exec-form CMD`, async () => {
      const flow = loadSample(sample);
      const files = await exportArtifacts(flow, { bundle: false });
      const ins = instructions(file(files, 'Dockerfile'));
      const get = (k: string) => ins.filter(([key]) => key === k).map(([, v]) => v);
      expect(get('FROM')).toHaveLength(1);
      expect(get('FROM')[0]).toMatch(/^node:\d+\.\d+\.\d+-bookworm-slim$/);
      expect(get('USER')).toEqual(['node']);
      expect(get('WORKDIR')).toEqual(['/app']);
      expect(get('EXPOSE')).toEqual([String(flow.listener.port)]);
      expect(get('ENV')).toContain(`PORT=${flow.listener.port}`);
      const cmd = get('CMD');
      expect(cmd).toHaveLength(1);
      expect(JSON.parse(cmd[0]!)).toEqual(['node', 'server.mjs']);
      const health = get('HEALTHCHECK')[0] ?? '';
      const exec = JSON.parse(health.slice(health.indexOf('CMD ') + 4)) as string[];
      expect(exec.slice(0, 2)).toEqual(['node', '-e']);
      expect(exec[2]).toContain('/healthz');
      // USER comes before CMD, so the service never runs as root
      expect(ins.findIndex(([k]) => k === 'USER')).toBeLessThan(ins.findIndex(([k]) => k === 'CMD'));
      // everything COPY names is exported and not excluded by .dockerignore
      const copied = get('COPY')[0]!.split(/\s+/).slice(0, -1);
      const ignore = file(files, '.dockerignore').split('\n').filter((l) => l.startsWith('!')).map((l) => l.slice(1));
      for (const name of copied) expect(ignore).toContain(name);
      expect(copied.sort()).toEqual(['handler-host.mjs', 'package.json', 'server.mjs']);
      const pkg = JSON.parse(file(files, 'package.json')) as Json;
      expect(pkg.scripts.start).toBe('node server.mjs');
      expect(pkg.engines.node).toBe('>=20');
      expect(pkg.dependencies).toBeUndefined();
      const compose = parse(file(files, 'docker-compose.yml')) as Json;
      const service = compose.services[flow.name];
      expect(service.build).toBe('.');
      expect(service.ports).toEqual([`${flow.listener.port}:${flow.listener.port}`]);
      expect(service.environment.PORT).toBe(String(flow.listener.port));
    });
  }
});

describe('Kubernetes manifests', () => {
  for (const sample of SAMPLES) {
    it(`${sample}: Deployment with probes on /healthz and a grace period longer than the drain, Service, Ingress`, async () => {
      const flow = loadSample(sample);
      const files = await exportArtifacts(flow, { bundle: false });
      const docs = parseAllDocuments(file(files, `k8s/${flow.name}.yaml`)).map((d) => {
        expect(d.errors).toEqual([]);
        return d.toJS() as Json;
      });
      expect(docs.map((d) => d.kind)).toEqual(['Deployment', 'Service', 'Ingress']);
      const [deployment, service, ingress] = docs as [Json, Json, Json];
      const pod = deployment.spec.template.spec;
      const container = pod.containers[0];
      for (const probe of [container.readinessProbe, container.livenessProbe]) {
        expect(probe.httpGet.path).toBe('/healthz');
        expect(probe.httpGet.port).toBe('ws');
      }
      expect(container.ports[0]).toMatchObject({ name: 'ws', containerPort: flow.listener.port });
      const drainSeconds = (flow.settings?.drainTimeoutMs ?? 5000) / 1000;
      expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(drainSeconds);
      expect(pod.securityContext.runAsNonRoot).toBe(true);
      expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
      expect(container.resources.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
      expect(container.resources.limits).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
      expect(deployment.spec.selector.matchLabels).toEqual(service.spec.selector);
      expect(service.spec.ports[0].targetPort).toBe('ws');
      expect(ingress.metadata.annotations['nginx.ingress.kubernetes.io/proxy-read-timeout']).toBe('3600');
      expect(ingress.metadata.annotations['nginx.ingress.kubernetes.io/proxy-send-timeout']).toBe('3600');
      expect(ingress.spec.rules[0].http.paths[0].backend.service.name).toBe(service.metadata.name);
      const env = Object.fromEntries((container.env as Json[]).map((e) => [e.name, e.value]));
      expect(env.PORT).toBe(String(flow.listener.port));
    });
  }

  it('a long drain raises the grace period with it', async () => {
    const flow = variant('echo', (f) => (f.settings = { drainTimeoutMs: 60_000 }));
    const files = await exportArtifacts(flow, { bundle: false });
    const deployment = parseAllDocuments(file(files, 'k8s/echo.yaml'))[0]!.toJS() as Json;
    expect(deployment.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(60);
    expect(parse(file(files, 'docker-compose.yml')).services.echo.stop_grace_period).toBe('70s');
    expect(file(files, 'README.md')).toContain('WSFLOW_DRAIN_TIMEOUT_MS');
  });

  it('a name that cannot name Kubernetes objects is an export error', async () => {
    await expect(exportArtifacts(variant('echo', (f) => (f.name = 'echo_service')), { bundle: false })).rejects.toThrow(/^name: "echo_service"/);
  });
});
