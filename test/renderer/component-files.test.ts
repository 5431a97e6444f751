import { describe, expect, it } from 'vitest';
import { componentsBeside } from '../../renderer/src/lowcode/component-files.ts';

describe('componentsBeside (the palette lists the components of the flow folder)', () => {
  const paths = ['samples/user-count.wsflow-component.yaml', 'samples/format-event.wsflow-component.yaml', 'samples/sub/deep.wsflow-component.yaml', 'top.wsflow-component.yaml', 'samples/chat.wsflow.yaml'];
  it('lists only the component files in the same folder, as refs relative to the flow', () => {
    expect(componentsBeside('samples/chat.wsflow.yaml', paths)).toEqual([
      { ref: './format-event.wsflow-component.yaml', name: 'format-event' },
      { ref: './user-count.wsflow-component.yaml', name: 'user-count' },
    ]);
  });
  it('uses the root for a flow at the root or not saved yet', () => {
    expect(componentsBeside(undefined, paths)).toEqual([{ ref: './top.wsflow-component.yaml', name: 'top' }]);
    expect(componentsBeside('flow.wsflow.yaml', paths)).toEqual([{ ref: './top.wsflow-component.yaml', name: 'top' }]);
  });
});
