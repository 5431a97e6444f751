import { describe, expect, it } from 'vitest';
import { componentsBeside } from '../../renderer/src/lowcode/component-files.ts';

describe('componentsBeside (the palette lists the components of the flow folder)', () => {
  const paths = ['samples/user-count.wsflow-component.yaml', 'samples/format-event.wsflow-component.yaml', 'samples/sub/deep.wsflow-component.yaml', 'top.wsflow-component.yaml', 'samples/chat.wsflow.yaml'];
  it('lists only the component files in the same folder, as refs relative to the flow', () => {
    expect(componentsBeside('samples/chat.wsflow.yaml', paths).map(({ ref, name }) => ({ ref, name }))).toEqual([
      { ref: './format-event.wsflow-component.yaml', name: 'format-event' },
      { ref: './user-count.wsflow-component.yaml', name: 'user-count' },
    ]);
  });
  it('uses the root for a flow at the root or not saved yet', () => {
    expect(componentsBeside(undefined, paths).map((c) => c.ref)).toEqual(['./top.wsflow-component.yaml']);
    expect(componentsBeside('flow.wsflow.yaml', paths).map((c) => c.ref)).toEqual(['./top.wsflow-component.yaml']);
  });
});

describe('component card ports', () => {
  it('are the outputs of the component file, then any port its edges use', async () => {
    const { componentPorts, infoOf } = await import('../../renderer/src/lowcode/component-files.ts');
    const text = 'wsflow-component: 1\nname: x\nentry: a\nnodes:\n  - { id: a, type: log, message: hi }\n  - { id: o, type: output, name: sent }\nedges:\n  - { from: a, to: o }\n';
    expect(infoOf(text, 'x.wsflow-component.yaml')).toEqual({ outputs: ['sent'], params: {} });
    expect(componentPorts('./x.wsflow-component.yaml', { './x.wsflow-component.yaml': { outputs: ['sent'], params: {} } }, ['gone'])).toEqual(['sent', 'gone']);
    expect(componentPorts(undefined, {}, [])).toEqual([]);
  });
});
