/**
 * The designer window: top bar, palette, canvas, inspector, bottom dock, status bar. The inspector
 * and the dock resize with splitters, collapse, and remember their sizes (store `layout`).
 */
import { useEffect, useState } from 'react';
import { ReactFlowProvider } from '@xyflow/react';
import { useCommands } from './app-context.tsx';
import { Canvas } from './canvas/Canvas.tsx';
import { Palette } from './canvas/Palette.tsx';
import { BottomPanels } from './panels/BottomPanels.tsx';
import { Inspector } from './panels/Inspector.tsx';
import { Dialogs } from './shell/Dialogs.tsx';
import { CanvasOverlays } from './shell/CanvasOverlays.tsx';
import { RecoveryBanner, RuntimeNotice, StatusBar, Toasts } from './shell/Overlays.tsx';
import { Splitter } from './shell/Splitter.tsx';
import { TopBar } from './shell/TopBar.tsx';
import { useStudio } from './store.ts';

/** The window size, for the splitters' limits. */
function useWindowSize(): { width: number; height: number } {
  const [size, setSize] = useState(() => ({ width: window.innerWidth, height: window.innerHeight }));
  useEffect(() => {
    const onResize = () => setSize({ width: window.innerWidth, height: window.innerHeight });
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, []);
  return size;
}

export function App() {
  const theme = useStudio((s) => s.theme);
  const layout = useStudio((s) => s.layout);
  const setLayout = useStudio((s) => s.setLayout);
  const commands = useCommands();
  const win = useWindowSize();
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  useEffect(() => {
    try {
      localStorage.setItem('wsflow.layout', JSON.stringify(layout));
    } catch {
      // Private mode: sizes are not remembered.
    }
  }, [layout]);

  // The canvas keeps at least about 420 x 240 px (palette 150 px, top and status bars 74 px); the
  // panels take what is left, so a size remembered on a big screen still fits a small one.
  const maxInspector = Math.max(280, win.width - 150 - 420);
  const maxDock = Math.max(120, win.height - 74 - 240);
  const inspectorWidth = Math.min(layout.inspectorWidth, maxInspector);
  const dockHeight = Math.min(layout.dockHeight, maxDock);
  const editorMax = layout.editorMax && layout.inspectorOpen;
  return (
    <ReactFlowProvider>
      <div className="app">
        <TopBar />
        <RecoveryBanner />
        <div className={`workspace ${editorMax ? 'workspace--editor-max' : ''}`}>
          <Palette />
          <main className="center" aria-label="Canvas and panels">
            <Canvas />
            {/* Over the canvas, so it never covers the inspector's header. */}
            {!editorMax && <RuntimeNotice />}
            {layout.dockOpen && (
              <Splitter
                orientation="horizontal"
                label="Resize the bottom panel"
                value={dockHeight}
                min={120}
                max={maxDock}
                direction={-1}
                onChange={(dockHeight) => setLayout({ dockHeight })}
                onToggle={() => commands.run('view.togglePanel')}
                testId="splitter-dock"
              />
            )}
            <BottomPanels height={dockHeight} />
          </main>
          {layout.inspectorOpen && (
            <>
              <Splitter
                orientation="vertical"
                label="Resize the inspector"
                value={inspectorWidth}
                min={280}
                max={maxInspector}
                direction={-1}
                onChange={(inspectorWidth) => setLayout({ inspectorWidth })}
                onToggle={() => commands.run('view.toggleInspector')}
                testId="splitter-inspector"
              />
              <div className="inspector-slot nokey" style={editorMax ? undefined : { width: inspectorWidth }} data-testid="inspector-slot">
                <Inspector />
              </div>
            </>
          )}
        </div>
        <StatusBar />
        {editorMax && <RuntimeNotice atBottom />}
        <CanvasOverlays />
        <Dialogs />
        <Toasts />
      </div>
    </ReactFlowProvider>
  );
}
