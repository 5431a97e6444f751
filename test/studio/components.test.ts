/**
 * The studio and component files: the running flow reloads when a component file it uses changes
 * on disk (the same connection sees the new chain), validation reads components from the studio
 * folder, and a component outside the folder is not read.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStudioFixture, type StudioFixture } from '../helpers/studio-fixture.ts';
import { TestClient } from '../helpers/ws-client.ts';

const FLOW = `wsflow: 1
name: comp
listener: { port: 9000 }
nodes:
  - { id: up, type: upgrader, basePath: /c }
  - { id: svc, type: service }
  - { id: on-text, type: onText }
  - { id: tagged, type: component, ref: ./tag.wsflow-component.yaml, params: { tag: one } }
edges:
  - { from: up, to: svc }
  - { from: svc, to: on-text }
  - { from: on-text, to: tagged }
`;
const TAG = (template: string) => `wsflow-component: 1
name: tag
params:
  tag: { type: string }
entry: say
nodes:
  - { id: say, type: reply, message: "${template}" }
  - { id: out, type: output, name: done }
edges:
  - { from: say, to: out }
`;

let fx: StudioFixture;
beforeAll(async () => {
  fx = await startStudioFixture({
    flow: { file: 'comp.wsflow.yaml', text: FLOW },
    prepare: (dir) => writeFileSync(path.join(dir, 'tag.wsflow-component.yaml'), TAG('${params.tag}: ${text}')),
  });
}, 60_000);
afterAll(async () => fx?.close());

describe('components in the studio', () => {
  it('opens and validates a flow with its components read from the folder', async () => {
    const opened = await fx.api.call('open', { path: 'comp.wsflow.yaml' });
    expect(opened.problems).toEqual([]);
    const problems = await fx.api.call('validate', { text: FLOW.replace('tag: one', 'tag: 1'), path: 'comp.wsflow.yaml', typecheck: false });
    expect(problems.problems).toEqual([expect.objectContaining({ code: 'WSF_COMPONENT_PARAM_TYPE', nodeId: 'tagged', field: 'params.tag', file: 'comp.wsflow.yaml' })]);
  });

  it('reloads the running flow when its component file changes on disk', async () => {
    const run = await fx.api.call('start', { text: FLOW, path: 'comp.wsflow.yaml', port: 0 });
    const client = await TestClient.connect(`${run.url}/c`);
    client.send('hi');
    expect(await client.next()).toBe('one: hi');
    writeFileSync(path.join(fx.dir, 'tag.wsflow-component.yaml'), TAG('[${params.tag}] ${text}'));
    await fx.api.waitFor((e) => e.event === 'componentReload' && e.applied);
    client.send('again');
    expect(await client.next()).toBe('[one] again');
    // A broken component is refused with its located problem; the old chain keeps running.
    writeFileSync(path.join(fx.dir, 'tag.wsflow-component.yaml'), TAG('${params.nope}'));
    const refused = await fx.api.waitFor((e) => e.event === 'componentReload' && !e.applied);
    expect(refused).toMatchObject({ problems: [expect.objectContaining({ code: 'WSF_COMPONENT_PARAM_UNKNOWN', file: 'tag.wsflow-component.yaml', nodeId: 'tagged/say' })] });
    client.send('still');
    expect(await client.next()).toBe('[one] still');
    client.socket.close();
    await fx.api.call('stop', {});
  }, 30_000);
});
