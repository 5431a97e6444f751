/**
 * Opening a flow in the studio parses it with its `packages:` (runtime/studio/parsed-files.ts):
 * the kinds a package adds are known node types in the problems `open` returns, a package that is
 * not installed is reported on its name, and a flow running in the studio keeps its own package
 * kinds while another file is opened.
 */
import { cpSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStudioFixture, type StudioFixture } from '../helpers/studio-fixture.ts';
import { TestClient } from '../helpers/ws-client.ts';

const FIXTURE = path.join(import.meta.dirname, '../fixtures/node-kind-package');
const FLOW = (packageName: string) => `wsflow: 1
name: shouter
listener: { port: 9301 }
packages:
  - ${packageName}
nodes:
  - { id: up, type: upgrader, basePath: /shout }
  - { id: svc, type: service }
  - { id: on-text, type: onText }
  - { id: loud, type: shout, text: '\${text}!' }
  - { id: r, type: reply, value: vars.loud }
edges:
  - { from: up, to: svc }
  - { from: svc, to: on-text }
  - { from: on-text, to: loud }
  - { from: loud, to: r }
`;
const SAMPLES = path.join(import.meta.dirname, '../../samples');

let fx: StudioFixture;
beforeAll(async () => {
  fx = await startStudioFixture({
    flow: { file: 'shout.wsflow.yaml', text: FLOW('wsflow-kind-shout') },
    prepare: (dir) => {
      mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
      cpSync(FIXTURE, path.join(dir, 'node_modules/wsflow-kind-shout'), { recursive: true });
      cpSync(path.join(SAMPLES, 'echo.wsflow.yaml'), path.join(dir, 'echo.wsflow.yaml'));
    },
  });
}, 60_000);
afterAll(async () => fx?.close());

describe('opening a flow that names packages', () => {
  it('knows the kinds of the packages the flow names', async () => {
    const opened = await fx.api.call('open', { path: 'shout.wsflow.yaml' });
    expect(opened.problems).toEqual([]);
    expect(opened.flow?.nodes.map((n) => n.type)).toContain('shout');
  });

  it('reports a package that is not installed on its name, and its kinds as unknown', async () => {
    const text = FLOW('not-installed-kinds');
    const saved = await fx.api.call('save', { path: 'missing.wsflow.yaml', text });
    const opened = await fx.api.call('open', { path: saved.path });
    expect(opened.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'WSF_PACKAGE_MISSING', field: 'packages.0', line: 5 }),
        expect.objectContaining({ code: 'WSF_NODE_TYPE_UNKNOWN', nodeId: 'loud' }),
      ]),
    );
  });

  it('leaves a running flow its package kinds while another file is opened', async () => {
    const run = await fx.api.call('start', { text: FLOW('wsflow-kind-shout'), path: 'shout.wsflow.yaml', port: 0 });
    await fx.api.call('open', { path: 'echo.wsflow.yaml' });
    const client = await TestClient.connect(`${run.url}/shout`);
    try {
      client.send('hey');
      expect(await client.next()).toBe('HEY!');
    } finally {
      await client.close();
      await fx.api.call('stop', {});
    }
  });
});
