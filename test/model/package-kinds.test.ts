/**
 * Node kinds from packages (docs/nodes-sdk.md), end to end through the real CLI: a flow names the
 * fixture package (test/fixtures/node-kind-package, installed beside the flow as npm would: copied
 * into its node_modules), and `wsflow validate`, `wsflow run` and `wsflow export` (then the
 * exported service, started with its Dockerfile's CMD) all use its two kinds: the `shout` chain
 * step and the `banner` binding. Missing packages and bad exports are refused, located.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { execCli, REPO_ROOT, runFlow, type RunningProcess } from '../helpers/cli.ts';
import { TestClient } from '../helpers/ws-client.ts';
import { nodeModulesAbove, startExported } from '../export/exported.ts';

const FIXTURE = join(REPO_ROOT, 'test/fixtures/node-kind-package');
const dir = mkdtempSync(join(tmpdir(), 'wsflow-package-kinds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A package installed beside the flows: `node_modules/NAME` with a package.json and an index. */
function install(name: string, index: string): void {
  mkdirSync(join(dir, 'node_modules', name), { recursive: true });
  writeFileSync(join(dir, 'node_modules', name, 'package.json'), JSON.stringify({ name, type: 'module', exports: './index.js' }));
  writeFileSync(join(dir, 'node_modules', name, 'index.js'), index);
}

cpSync(FIXTURE, join(dir, 'node_modules/wsflow-kind-shout'), { recursive: true });
install('not-kinds', 'export default { kinds: [{ id: "half", title: "Half" }] };\n');
install('throws-on-load', 'throw new Error("broken on purpose");\n');
install('clash-kinds', 'export default { kinds: [{ id: "reply", title: "R", category: "action", group: "Send", order: 1, icon: "r", help: "h", fields: {}, chain: ["onText"], emit() {} }] };\n');

const FLOW = (packages: string[]) =>
  [
    'wsflow: 1',
    'name: shouter',
    'listener: { port: 9301 }',
    'packages:',
    ...packages.map((p) => `  - ${p}`),
    'nodes:',
    '  - { id: up, type: upgrader, basePath: /shout }',
    '  - { id: svc, type: service }',
    '  - { id: hello, type: banner, lines: [welcome, "to the shouting room"] }',
    '  - { id: on-text, type: onText }',
    "  - { id: loud, type: shout, text: '${text}!' }",
    '  - { id: r, type: reply, value: vars.loud }',
    'edges:',
    '  - { from: up, to: svc }',
    '  - { from: svc, to: hello }',
    '  - { from: svc, to: on-text }',
    '  - { from: on-text, to: loud }',
    '  - { from: loud, to: r }',
    '',
  ].join('\n');

function flowFile(name: string, packages: string[]): string {
  const file = join(dir, `${name}.wsflow.yaml`);
  writeFileSync(file, FLOW(packages));
  return file;
}

/** What the service does: the banner's lines on connect, then the shout of each text. */
async function behaves(url: string): Promise<void> {
  const client = await TestClient.connect(`${url}/shout`);
  try {
    expect(await client.nextText()).toBe('welcome');
    expect(await client.nextText()).toBe('to the shouting room');
    client.send('hey there');
    expect(await client.nextText()).toBe('HEY THERE!');
  } finally {
    await client.close();
  }
}

describe('node kinds from a package', () => {
  it('wsflow validate accepts a flow that uses the kinds of a package it names, and checks their fields', async () => {
    const good = await execCli(['validate', flowFile('good', ['wsflow-kind-shout'])]);
    expect(good.stderr + good.stdout).toContain('valid');
    expect(good.code).toBe(0);
    // The package's fields are checked like a built-in kind's: a binding without its required list.
    const file = join(dir, 'no-lines.wsflow.yaml');
    writeFileSync(file, FLOW(['wsflow-kind-shout']).replace('lines: [welcome, "to the shouting room"]', 'other: 1'));
    const bad = await execCli(['validate', file]);
    expect(bad.code).toBe(2);
    expect(bad.stdout + bad.stderr).toMatch(/\[hello\].*lines/);
    // Without the package named, its kinds are unknown.
    const unnamed = join(dir, 'unnamed.wsflow.yaml');
    writeFileSync(unnamed, FLOW(['wsflow-kind-shout']).replace('packages:\n  - wsflow-kind-shout\n', ''));
    const unknown = await execCli(['validate', unnamed]);
    expect(unknown.code).toBe(2);
    expect(unknown.stdout + unknown.stderr).toContain('WSF_NODE_TYPE_UNKNOWN');
  }, 120_000);

  it('refuses a missing package, a package that is not kinds, one that throws and one that replaces a built-in kind, each located on its name', async () => {
    const file = flowFile('bad', ['wsflow-kind-shout', 'no-such-package', 'not-kinds', 'throws-on-load', 'clash-kinds', '../escape']);
    const { code, stdout, stderr: err } = await execCli(['validate', file]);
    const stderr = stdout + err;
    expect(code).toBe(2);
    const line = (n: number) => `${file}:${5 + n}:5: error`;
    expect(stderr).toContain(`${line(1)} Package 'no-such-package' is not installed`);
    expect(stderr).toContain('(WSF_PACKAGE_MISSING)');
    expect(stderr).toContain(`${line(2)} Package 'not-kinds' does not export node kinds: kind 'half' has no icon`);
    expect(stderr).toContain('(WSF_PACKAGE_NOT_KINDS)');
    expect(stderr).toContain(`${line(3)} Package 'throws-on-load' failed to load`);
    expect(stderr).toContain('broken on purpose (WSF_PACKAGE_LOAD_FAILED)');
    expect(stderr).toContain(`${line(4)} Package 'clash-kinds' adds kind 'reply', which is a built-in kind`);
    expect(stderr).toContain(`${line(5)} Package '../escape' is not a package name`);
    // The good package still counts: its kinds are not reported unknown.
    expect(stderr).not.toContain('WSF_NODE_TYPE_UNKNOWN');
  }, 120_000);

  it('wsflow run serves the kinds over real sockets', async () => {
    const running: RunningProcess = await runFlow(flowFile('run', ['wsflow-kind-shout']));
    try {
      await behaves(running.url);
    } finally {
      await running.stop();
    }
  }, 60_000);

  it('wsflow export bundles the package, and the exported service (its Dockerfile CMD) behaves the same', async () => {
    const out = mkdtempSync(join(tmpdir(), 'wsflow-package-export-'));
    try {
      // The export runs with no node_modules above it: the package must be inside server.mjs.
      expect(nodeModulesAbove(out)).toEqual([]);
      const exported = await execCli(['export', flowFile('export', ['wsflow-kind-shout']), '--out', out]);
      expect(exported.stderr).toBe('');
      expect(exported.code).toBe(0);
      const service = await startExported(out);
      try {
        await behaves(service.url);
      } finally {
        await service.stop();
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});
