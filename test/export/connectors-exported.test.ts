/**
 * The connector samples (mqtt-bridge, nats-bridge, amqp-bridge, ws-proxy) exported: the same socket-level checks as live,
 * against the standalone service with its variables in the container-like environment; and the
 * artifacts list every variable (component.yaml, compose, Kubernetes Secret reference) without
 * ever writing a value, and start a broker beside the service where the flow needs one.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { amqpBridgeChecks } from '../samples/amqp-bridge.checks.ts';
import { mqttBridgeChecks } from '../samples/mqtt-bridge.checks.ts';
import { natsBridgeChecks } from '../samples/nats-bridge.checks.ts';
import { wsProxyChecks } from '../samples/ws-proxy.checks.ts';
import type { StartWithEnv } from '../samples/connector-target.ts';
import { exportOncePerSample, exportToTemp, removeExport, startExported } from './exported.ts';
import { loadSample } from './fixtures.ts';

const exportOf = exportOncePerSample();
const startExportedSample: StartWithEnv = async (sample, env) => startExported(await exportOf(sample), env);

describe('connector variables in the exported artifacts', () => {
  it('lists MQTT_URL in component.yaml, compose (with a mosquitto beside the service) and a Secret reference, with no value', async () => {
    const secretish = 'mqtt://user:s3cr3t-value@broker.example:1883';
    process.env.MQTT_URL = secretish; // present while exporting: it must still not be written
    let dir: string;
    try {
      dir = await exportToTemp(loadSample('mqtt-bridge'), 'mqtt-bridge-env');
    } finally {
      delete process.env.MQTT_URL;
    }
    try {
      const component = parse(readFileSync(join(dir, '.choreo/component.yaml'), 'utf8')) as { configurations?: { env?: { name: string; valueFrom: { configForm: Record<string, unknown> } }[] } };
      expect(component.configurations?.env).toEqual([{ name: 'MQTT_URL', valueFrom: { configForm: { displayName: 'MQTT_URL', required: true, type: 'secret' } } }]);

      const compose = parse(readFileSync(join(dir, 'docker-compose.yml'), 'utf8')) as { services: Record<string, { environment?: Record<string, string>; image?: string; depends_on?: string[]; command?: string[] }> };
      const app = compose.services['mqtt-bridge'];
      expect(app?.environment?.MQTT_URL).toBe('${MQTT_URL:-mqtt://mosquitto:1883}');
      expect(app?.depends_on).toEqual(['mosquitto']);
      expect(compose.services.mosquitto?.image).toMatch(/^eclipse-mosquitto:2/);
      expect(compose.services.mosquitto?.command).toEqual(['mosquitto', '-c', '/mosquitto-no-auth.conf']);

      const k8s = readFileSync(join(dir, 'k8s/mqtt-bridge.yaml'), 'utf8');
      const deployment = parse(k8s.split(/^---$/m)[0] as string) as { spec: { template: { spec: { containers: { env: { name: string; valueFrom?: unknown }[] }[] } } } };
      const env = deployment.spec.template.spec.containers[0]?.env ?? [];
      expect(env.find((e) => e.name === 'MQTT_URL')).toEqual({ name: 'MQTT_URL', valueFrom: { secretKeyRef: { name: 'mqtt-bridge-env', key: 'MQTT_URL' } } });

      for (const file of ['.choreo/component.yaml', 'docker-compose.yml', 'k8s/mqtt-bridge.yaml', 'server.mjs', 'README.md']) {
        expect(readFileSync(join(dir, file), 'utf8'), file).not.toContain('s3cr3t-value');
      }
    } finally {
      removeExport(dir);
    }
  });

  it('starts nats and rabbitmq beside the service in compose for NATS_URL and AMQP_URL, with no value written', async () => {
    for (const [sample, name, service, image, url] of [
      ['nats-bridge', 'NATS_URL', 'nats', /^nats:2/, 'nats://nats:4222'],
      ['amqp-bridge', 'AMQP_URL', 'rabbitmq', /^rabbitmq:3/, 'amqp://rabbitmq:5672'],
    ] as const) {
      process.env[name] = `${service}://user:s3cr3t-value@broker.example:1`;
      let dir: string;
      try {
        dir = await exportToTemp(loadSample(sample), `${sample}-env`);
      } finally {
        delete process.env[name];
      }
      try {
        const compose = parse(readFileSync(join(dir, 'docker-compose.yml'), 'utf8')) as { services: Record<string, { environment?: Record<string, string>; image?: string; depends_on?: string[] }> };
        expect(compose.services[sample]?.environment?.[name]).toBe(`\${${name}:-${url}}`);
        expect(compose.services[sample]?.depends_on).toEqual([service]);
        expect(compose.services[service]?.image).toMatch(image);
        const component = parse(readFileSync(join(dir, '.choreo/component.yaml'), 'utf8')) as { configurations?: { env?: { name: string }[] } };
        expect(component.configurations?.env?.map((e) => e.name)).toEqual([name]);
        for (const file of ['.choreo/component.yaml', 'docker-compose.yml', `k8s/${sample}.yaml`, 'server.mjs', 'README.md']) {
          expect(readFileSync(join(dir, file), 'utf8'), file).not.toContain('s3cr3t-value');
        }
      } finally {
        removeExport(dir);
      }
    }
  });

  it('requires BACKEND_URL in compose (no broker to start for a WebSocket backend)', async () => {
    const dir = await exportOf('ws-proxy');
    const compose = parse(readFileSync(join(dir, 'docker-compose.yml'), 'utf8')) as { services: Record<string, { environment?: Record<string, string> }> };
    expect(Object.keys(compose.services)).toEqual(['ws-proxy']);
    expect(compose.services['ws-proxy']?.environment?.BACKEND_URL).toMatch(/^\$\{BACKEND_URL:\?/);
  });

  it('the exported service refuses to start without its variables (exit 2, names them)', async () => {
    await expect(startExported(await exportOf('ws-proxy'), {})).rejects.toThrow(/BACKEND_URL not set/);
  });
});

mqttBridgeChecks(startExportedSample);
natsBridgeChecks(startExportedSample);
amqpBridgeChecks(startExportedSample);
wsProxyChecks(startExportedSample);
