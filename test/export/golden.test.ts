/**
 * Golden files: every artifact except the bundle, for every sample, compared byte for byte with
 * test/golden/<sample>/. After an intended change, refresh them with
 *   UPDATE_GOLDEN=1 npx vitest run test/export/golden.test.ts
 * and review the diff in git.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportArtifacts } from '../../runtime/export/index.ts';
import { REPO_ROOT } from '../helpers/cli.ts';
import { loadSample, sampleTests, SAMPLES } from './fixtures.ts';

const GOLDEN = join(REPO_ROOT, 'test/golden');
const BUNDLE = new Set(['server.mjs', 'handler-host.mjs']);
const update = process.env.UPDATE_GOLDEN === '1';

function listFiles(root: string, dir = root): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...listFiles(root, path));
    else out.push(relative(root, path).split('\\').join('/'));
  }
  return out;
}

describe('golden files', () => {
  for (const sample of SAMPLES) {
    for (const version of ['2.6', '3.0'] as const) {
      const dir = join(GOLDEN, version === '2.6' ? sample : `${sample}-asyncapi-3.0`);
      it(`${sample} (AsyncAPI ${version}) matches ${relative(REPO_ROOT, dir)}`, async () => {
        const files = (await exportArtifacts(loadSample(sample), { asyncapi: version, bundle: false, tests: sampleTests(sample) })).filter((f) => !BUNDLE.has(f.path));
        // 3.0 differs from 2.6 in asyncapi.yaml only; its golden folder holds just that file.
        const compared = version === '2.6' ? files : files.filter((f) => f.path === 'asyncapi.yaml');
        if (update) {
          rmSync(dir, { recursive: true, force: true });
          for (const f of compared) {
            mkdirSync(dirname(join(dir, f.path)), { recursive: true });
            writeFileSync(join(dir, f.path), f.content);
          }
        }
        expect(listFiles(dir).sort()).toEqual(compared.map((f) => f.path).sort());
        for (const f of compared) {
          expect(f.content, `${f.path} differs from the golden file (UPDATE_GOLDEN=1 to refresh)`).toBe(readFileSync(join(dir, f.path), 'utf8'));
        }
      });
    }
  }
});
