/**
 * The cluster artifacts of an export, checked as a deployer would read them: parsed YAML, the
 * objects and references that must line up (Secret name/key, Redis host, HPA target, nginx
 * upstreams), and byte-for-byte determinism. Uses the chat sample as the golden input.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { FlowDocument } from '../../runtime/model/types.ts';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { Secret, Service } from 'kubernetes-models/v1';
import { clusterArtifacts } from '../../runtime/export/cluster.ts';
import { selectAdapter, redisUrlOf } from '../../runtime/engine/adapters/select.ts';

const chat = parse(readFileSync(fileURLToPath(new URL('../../samples/chat.wsflow.yaml', import.meta.url)), 'utf8')) as FlowDocument;

type Obj = Record<string, any>;

function files(flow: FlowDocument = chat): Map<string, string> {
  return new Map(clusterArtifacts(flow).map((f) => [f.path, f.content]));
}

describe('clusterArtifacts', () => {
  it('writes the compose, nginx and Kubernetes files, sorted and deterministic', () => {
    const first = clusterArtifacts(chat);
    expect(first.map((f) => f.path)).toEqual([
      'cluster/docker-compose.yml',
      'cluster/nginx.conf',
      'k8s/cluster/chat-app.yaml',
      'k8s/cluster/redis-secret.yaml',
      'k8s/cluster/redis.yaml',
    ]);
    expect(clusterArtifacts(structuredClone(chat))).toEqual(first);
  });

  it('composes redis, two replicas sharing it and a proxy', () => {
    const compose = parse(files().get('cluster/docker-compose.yml')!) as Obj;
    const names = Object.keys(compose.services);
    expect(names).toEqual(['redis', 'chat-app-1', 'chat-app-2', 'proxy']);
    for (const replica of ['chat-app-1', 'chat-app-2']) {
      const service = compose.services[replica];
      expect(service.environment.REDIS_URL).toBe('redis://redis:6379');
      expect(service.environment.PORT).toBe('9090');
      expect(service.build).toEqual({ context: '..', dockerfile: 'Dockerfile' });
      expect(service.depends_on.redis.condition).toBe('service_healthy');
      expect(service.ports).toBeUndefined();
    }
    expect(compose.services.redis.image).toMatch(/^redis:\d+\.\d+\.\d+-alpine$/);
    expect(compose.services.proxy.ports).toEqual(['9090:9090']);
    expect(compose.services.proxy.volumes).toEqual(['./nginx.conf:/etc/nginx/nginx.conf:ro']);
  });

  it('proxies WebSocket upgrades to both replicas', () => {
    const conf = files().get('cluster/nginx.conf')!;
    expect(conf).toContain('server chat-app-1:9090;');
    expect(conf).toContain('server chat-app-2:9090;');
    expect(conf).toContain('listen 9090;');
    expect(conf).toContain('proxy_http_version 1.1;');
    expect(conf).toContain('proxy_set_header Upgrade $http_upgrade;');
    expect(conf).toContain('proxy_set_header Connection $connection_upgrade;');
    expect(conf).toMatch(/map \$http_upgrade \$connection_upgrade \{\s+default upgrade;\s+'' close;\s+\}/);
    // Balanced braces: a typo here would only show when nginx refuses to start.
    expect(conf.split('{').length).toBe(conf.split('}').length);
  });

  it('runs two replicas on Kubernetes with REDIS_URL from a Secret and an autoscaler', () => {
    const all = files();
    const docs = parseAllDocuments(all.get('k8s/cluster/chat-app.yaml')!).map((d) => d.toJSON() as Obj);
    const byKind = new Map(docs.map((d) => [d.kind as string, d]));
    expect([...byKind.keys()].sort()).toEqual(['Deployment', 'HorizontalPodAutoscaler', 'Ingress', 'PodDisruptionBudget', 'Service']);
    const deployment = byKind.get('Deployment')!;
    expect(deployment.spec.replicas).toBe(2);
    const container = deployment.spec.template.spec.containers[0];
    const redisEnv = container.env.find((e: Obj) => e.name === 'REDIS_URL');
    expect(redisEnv).toEqual({ name: 'REDIS_URL', valueFrom: { secretKeyRef: { name: 'chat-app-redis', key: 'url' } } });
    expect(container.resources.requests.cpu).toBeDefined(); // the HPA's utilization needs a request
    const hpa = byKind.get('HorizontalPodAutoscaler')!;
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name });
    expect(hpa.spec.minReplicas).toBe(2);
    expect(hpa.spec.maxReplicas).toBeGreaterThan(2);

    const secret = parse(all.get('k8s/cluster/redis-secret.yaml')!) as Obj;
    expect(secret).toMatchObject({ kind: 'Secret', metadata: { name: 'chat-app-redis' } });
    const redisDocs = parseAllDocuments(all.get('k8s/cluster/redis.yaml')!).map((d) => d.toJSON() as Obj);
    const redisService = redisDocs.find((d) => d.kind === 'Service')!;
    const redisDeployment = redisDocs.find((d) => d.kind === 'Deployment')!;
    // The Secret's URL must name the quick-start Redis Service and port.
    expect(secret.stringData.url).toBe(`redis://${redisService.metadata.name}:${redisService.spec.ports[0].port}`);
    expect(redisService.spec.selector).toEqual(redisDeployment.spec.selector.matchLabels);
    // kubectl reads YAML 1.1, where a bare `yes` is a boolean and would be refused as an arg.
    const asKubectlReadsIt = parseAllDocuments(all.get('k8s/cluster/redis.yaml')!, { version: '1.1' }).map((d) => d.toJSON() as Obj);
    expect(asKubectlReadsIt[0]!.spec.template.spec.containers[0].args).toEqual(['--appendonly', 'yes']);
    const compose11 = parse(all.get('cluster/docker-compose.yml')!, { version: '1.1' }) as Obj;
    expect(compose11.services.redis.command).toEqual(['redis-server', '--appendonly', 'yes']);
    expect(redisDeployment.spec.template.metadata.labels).toMatchObject(redisDeployment.spec.selector.matchLabels);
  });
});

/** The Kubernetes OpenAPI schema of every kind the cluster manifests use. */
const MODELS: Record<string, (doc: Obj) => { validate(): void }> = {
  'apps/v1 Deployment': (doc) => new Deployment(doc as never),
  'v1 Service': (doc) => new Service(doc as never),
  'v1 Secret': (doc) => new Secret(doc as never),
  'networking.k8s.io/v1 Ingress': (doc) => new Ingress(doc as never),
  'autoscaling/v2 HorizontalPodAutoscaler': (doc) => new HorizontalPodAutoscaler(doc as never),
  'policy/v1 PodDisruptionBudget': (doc) => new PodDisruptionBudget(doc as never),
};

describe('clusterArtifacts against the Kubernetes schemas', () => {
  for (const sample of ['chat', 'echo', 'choreo-chat', 'notifications']) {
    it(`${sample}: every object is valid as kubectl reads it (YAML 1.1)`, () => {
      const flow = parse(readFileSync(fileURLToPath(new URL(`../../samples/${sample}.wsflow.yaml`, import.meta.url)), 'utf8')) as FlowDocument;
      let checked = 0;
      for (const { path, content } of clusterArtifacts(flow)) {
        if (!path.startsWith('k8s/')) continue;
        for (const document of parseAllDocuments(content, { version: '1.1' })) {
          const doc = document.toJSON() as Obj;
          const model = MODELS[`${doc.apiVersion} ${doc.kind}`];
          expect(model, `${path}: ${doc.apiVersion} ${doc.kind}`).toBeDefined();
          expect(() => model!(doc).validate(), `${path}: ${doc.kind} ${doc.metadata?.name}`).not.toThrow();
          checked++;
        }
      }
      expect(checked).toBe(8);
    });
  }
});

describe('selectAdapter', () => {
  it('picks Redis from REDIS_URL first, then the flow setting, else memory', async () => {
    const withSetting: FlowDocument = { ...chat, settings: { redisUrl: 'redis://flow-host:6379' } };
    expect(redisUrlOf(chat, {})).toBeUndefined();
    expect(redisUrlOf(chat, { REDIS_URL: '  ' })).toBeUndefined();
    expect(redisUrlOf(withSetting, {})).toEqual({ url: 'redis://flow-host:6379', from: 'settings.redisUrl' });
    expect(redisUrlOf(withSetting, { REDIS_URL: 'redis://env-host:1' })).toEqual({ url: 'redis://env-host:1', from: 'REDIS_URL' });
    const memory = selectAdapter(chat, {});
    expect(memory.stats()).not.toHaveProperty('redisUp');
    await memory.close();
    // Not started, so it never connects: only the type of adapter is checked here.
    const redis = selectAdapter(chat, { REDIS_URL: 'redis://127.0.0.1:1' }, { log: () => undefined });
    expect(redis.stats()).toHaveProperty('redisUp', 0);
    await redis.close();
  });

  it('names the variable when the URL is not a Redis URL', () => {
    expect(() => selectAdapter(chat, { REDIS_URL: 'http://x' })).toThrow(/^REDIS_URL: Redis URL http:\/\/x\/? must start with redis:\/\/ or rediss:\/\//);
    expect(() => selectAdapter({ ...chat, settings: { redisUrl: 'nope' } }, {})).toThrow(/^settings\.redisUrl: /);
  });
});
