/**
 * The node palette: drag an item onto the canvas, or click it / press Enter to place it in the
 * middle of the view (the keyboard path).
 */
import { useEffect, useState, type DragEvent } from 'react';
import type { NodeType } from '../../../runtime/model/types.ts';
import { useServices, useView } from '../app-context.tsx';
import { componentsBeside, type ComponentFile, type ComponentInfo } from '../lowcode/component-files.ts';
import { paletteItems, type PaletteItem } from '../lowcode/palette-items.ts';
import { useStudio } from '../store.ts';
import { PALETTE_MIME } from './use-canvas-pointer.ts';
import { placeNode } from './place.ts';

export { paletteItems, type PaletteItem };

export function Palette() {
  const view = useView();
  // The middle of the view, or the nearest free spot to it.
  const placeAtCenter = (type: NodeType) => placeNode(useStudio, type, view.center(), view.visible());
  const components = useComponentFiles();
  // Read again when the flow's package kinds change.
  useStudio((s) => s.kindsVersion);

  const onDragStart = (event: DragEvent, type: NodeType) => {
    event.dataTransfer.setData(PALETTE_MIME, type);
    event.dataTransfer.effectAllowed = 'copy';
  };

  let group = '';
  return (
    <nav className="palette" aria-label="Node palette">
      {paletteItems().map((item) => {
        const header = item.group !== group ? <div className="palette__group">{(group = item.group)}</div> : null;
        return (
          <div key={item.type}>
            {header}
            <button
              type="button"
              className={`palette__item palette__item--${item.category}`}
              draggable
              data-testid={`palette-${item.type}`}
              title={`${item.hint}. Drag onto the canvas, or click to add.`}
              onDragStart={(e) => onDragStart(e, item.type)}
              onClick={() => placeAtCenter(item.type)}
            >
              <span className="palette__icon" aria-hidden>{item.icon}</span>
              <span>{item.label}</span>
            </button>
          </div>
        );
      })}
      {components.length > 0 && <div className="palette__group">Components</div>}
      {components.map((c) => (
        <button
          key={c.ref}
          type="button"
          className="palette__item palette__item--action"
          data-testid={`palette-component-${c.name}`}
          title={`Use ${c.ref} (a component in this flow's folder). Click to add.`}
          onClick={() => placeNode(useStudio, 'component', view.center(), view.visible(), { ref: c.ref })}
        >
          <span className="palette__icon" aria-hidden>▣</span>
          <span>{c.name}</span>
        </button>
      ))}
    </nav>
  );
}

/** The component files beside the open flow, read again when another flow is opened or saved. */
function useComponentFiles(): ComponentFile[] {
  const services = useServices();
  const path = useStudio((s) => s.path);
  const version = useStudio((s) => s.componentsVersion);
  const [found, setFound] = useState<ComponentFile[]>([]);
  useEffect(() => {
    let live = true;
    void (async () => {
      const listed = await services.listFiles().catch(() => undefined);
      const files = listed ? componentsBeside(path, listed.entries.filter((e) => e.kind === 'component').map((e) => e.path)) : [];
      if (!live) return;
      setFound(files);
      // Their outputs are the ports of component cards, their params the forms (the canvas reads no files itself).
      const components: Record<string, ComponentInfo> = {};
      for (const file of files) components[file.ref] = (await services.componentInfo(file.path)) ?? { outputs: [], params: {} };
      if (live) useStudio.getState().set({ components });
    })();
    return () => {
      live = false;
    };
  }, [path, services, version]);
  return found;
}
