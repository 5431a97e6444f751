/**
 * The README's test command sets a fresh Debian machine up by itself: `npm test` runs
 * scripts/setup-system.sh first, `.ci/run` runs the same script and then the README's commands,
 * and the script installs every system package the test helpers start.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(`${ROOT}${path}`, 'utf8');

describe('system set-up', () => {
  const readme = read('README.md');
  const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
  const ci = read('.ci/run');
  const script = read('scripts/setup-system.sh');

  it('the README test command runs the set-up script before the suite', () => {
    expect(readme).toMatch(/^npm ci && npm test\s+#/m);
    expect(pkg.scripts.pretest).toBe('bash scripts/setup-system.sh');
    expect(pkg.scripts.setup).toBe('bash scripts/setup-system.sh');
  });

  it('.ci/run runs the same script, then npm ci, then npm test, and installs nothing itself', () => {
    const steps = ci.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#') && !/^(set|cd|export) /.test(l.trim()));
    expect(steps).toEqual(['bash scripts/setup-system.sh', 'npm ci --no-audit --no-fund', 'npm test']);
  });

  it('the script knows every package whose program a test starts', () => {
    const packages = /^PACKAGES=\(([^)]*)\)/m.exec(script)?.[1]?.split(/\s+/) ?? [];
    expect(packages.sort()).toEqual(['chromium', 'mosquitto', 'nats-server', 'openssl', 'rabbitmq-server', 'redis-server']);
    // The default paths the helpers start (test/helpers/*.ts, test/cluster/redis-server.ts, test/e2e/harness.ts).
    const helpers = ['test/helpers/mosquitto.ts', 'test/helpers/nats-server.ts', 'test/helpers/rabbitmq.ts', 'test/cluster/redis-server.ts', 'test/e2e/harness.ts'].map(read).join('\n');
    for (const path of ['/usr/sbin/mosquitto', '/usr/sbin/nats-server', '/usr/lib/rabbitmq/bin', '/usr/bin/redis-server', '/usr/bin/chromium']) expect(helpers).toContain(path);
  });
});
