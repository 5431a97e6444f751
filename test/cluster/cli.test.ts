/**
 * `wsflow run` with a REDIS_URL that is not a Redis URL: one located line, exit 2, no stack.
 */
import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { WSFLOW_BIN } from '../helpers/cli.ts';
import { CHAT_SAMPLE } from './instances.ts';

it('refuses a REDIS_URL that is not redis:// with exit code 2 and one line', () => {
  const result = spawnSync(process.execPath, [WSFLOW_BIN, 'run', CHAT_SAMPLE, '--port', '0'], {
    env: { ...process.env, REDIS_URL: 'http://127.0.0.1:6379' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(result.status).toBe(2);
  expect(result.stderr.trim()).toBe('wsflow: REDIS_URL: Redis URL http://127.0.0.1:6379 must start with redis:// or rediss://');
  expect(result.stdout).toBe('');
});
