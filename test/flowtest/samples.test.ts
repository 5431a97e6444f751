/**
 * Every sample ships flow tests and they pass under `wsflow test` (the real CLI, which starts the
 * flow). Samples are discovered by glob, so a new sample is covered at once, and one without a
 * `NAME.wsflow.test.yaml` beside it fails here. Samples that front another system get the real
 * thing, started here: a Mosquitto broker, a NATS server, a RabbitMQ, an echoing backend WebSocket.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { execCli, REPO_ROOT } from '../helpers/cli.ts';
import { startMosquitto } from '../helpers/mosquitto.ts';
import { startNatsServer } from '../helpers/nats-server.ts';
import { startRabbitMq } from '../helpers/rabbitmq.ts';
import { startBackend } from '../helpers/ws-backend.ts';

export const SAMPLE_FLOWS = readdirSync(join(REPO_ROOT, 'samples'))
  .filter((f) => f.endsWith('.wsflow.yaml'))
  .sort();

/** What a sample's `${env.NAME}` fields point at, started for the run and stopped after it. */
const SYSTEMS: Record<string, () => Promise<{ env: NodeJS.ProcessEnv; stop(): Promise<void> }>> = {
  'mqtt-bridge.wsflow.yaml': async () => {
    const broker = await startMosquitto();
    return { env: { MQTT_URL: broker.url }, stop: () => broker.stop() };
  },
  'nats-bridge.wsflow.yaml': async () => {
    const server = await startNatsServer();
    return { env: { NATS_URL: server.url }, stop: () => server.stop() };
  },
  'amqp-bridge.wsflow.yaml': async () => {
    const broker = await startRabbitMq();
    return { env: { AMQP_URL: broker.url }, stop: () => broker.stop() };
  },
  'ws-proxy.wsflow.yaml': async () => {
    const backend = await startBackend();
    return { env: { BACKEND_URL: backend.url }, stop: () => backend.stop() };
  },
};

describe('sample flow tests', () => {
  it('finds the samples', () => {
    expect(SAMPLE_FLOWS).toEqual(expect.arrayContaining(['chat.wsflow.yaml', 'echo.wsflow.yaml', 'choreo-chat.wsflow.yaml', 'notifications.wsflow.yaml']));
  });

  for (const flow of SAMPLE_FLOWS) {
    it(`wsflow test samples/${flow} exits 0`, async () => {
      const tests = flow.replace(/\.wsflow\.yaml$/, '.wsflow.test.yaml');
      expect(existsSync(join(REPO_ROOT, 'samples', tests)), `samples/${tests} is missing: every sample ships tests`).toBe(true);
      const system = await SYSTEMS[flow]?.();
      try {
        const run = await execCli(['test', `samples/${flow}`], system ? { env: system.env } : {});
        expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
        expect(run.stdout).toMatch(/\d+ passed, 0 failed/);
        expect(run.stdout).not.toMatch(/✗/);
      } finally {
        await system?.stop();
      }
    }, 180_000);
  }
});
