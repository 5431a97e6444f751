/**
 * Every sample ships flow tests and they pass under `wsflow test` (the real CLI, which starts the
 * flow). Samples are discovered by glob, so a new sample is covered at once, and one without a
 * `NAME.wsflow.test.yaml` beside it fails here.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { execCli, REPO_ROOT } from '../helpers/cli.ts';

export const SAMPLE_FLOWS = readdirSync(join(REPO_ROOT, 'samples'))
  .filter((f) => f.endsWith('.wsflow.yaml'))
  .sort();

describe('sample flow tests', () => {
  it('finds the samples', () => {
    expect(SAMPLE_FLOWS).toEqual(expect.arrayContaining(['chat.wsflow.yaml', 'echo.wsflow.yaml', 'choreo-chat.wsflow.yaml', 'notifications.wsflow.yaml']));
  });

  for (const flow of SAMPLE_FLOWS) {
    it(`wsflow test samples/${flow} exits 0`, async () => {
      const tests = flow.replace(/\.wsflow\.yaml$/, '.wsflow.test.yaml');
      expect(existsSync(join(REPO_ROOT, 'samples', tests)), `samples/${tests} is missing: every sample ships tests`).toBe(true);
      const run = await execCli(['test', `samples/${flow}`]);
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
      expect(run.stdout).toMatch(/\d+ passed, 0 failed/);
      expect(run.stdout).not.toMatch(/✗/);
    }, 180_000);
  }
});
