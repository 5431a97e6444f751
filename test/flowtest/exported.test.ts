/**
 * The samples' flow tests, copied by the export into tests/, pass with `wsflow test --url` against
 * the exported service started the way its Dockerfile's CMD starts it (one service per sample,
 * shared by all its tests, as a deployment would be).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportFlow } from '../../runtime/export/index.ts';
import { exportToTemp, removeExport, startExported } from '../export/exported.ts';
import { loadSample, sampleTests, SAMPLES, type AnySample } from '../export/fixtures.ts';
import { execCli, type RunningProcess } from '../helpers/cli.ts';

const dirs: string[] = [];
const services: RunningProcess[] = [];
afterAll(async () => {
  await Promise.all(services.map((s) => s.stop()));
  for (const dir of dirs) removeExport(dir);
});

describe('flow tests against the exported service', () => {
  const samples: AnySample[] = [...SAMPLES, 'chat-lowcode', 'echo-lowcode', 'chat-components'];
  for (const sample of samples) {
    it(`${sample}: the exported tests pass with --url`, async () => {
      const dir = await exportToTemp(loadSample(sample), `flowtest-${sample}`, (flow, outDir) => exportFlow(flow, { outDir, tests: sampleTests(sample) }));
      dirs.push(dir);
      const testFile = join(dir, 'tests', `${sample}.wsflow.test.yaml`);
      expect(existsSync(testFile)).toBe(true);
      const service = await startExported(dir);
      services.push(service);
      const run = await execCli(['test', testFile, '--url', service.url]);
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
      expect(run.stdout).toMatch(/\d+ passed, 0 failed/);
    }, 240_000);
  }
});
