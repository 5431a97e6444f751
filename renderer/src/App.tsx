/** The designer window: top bar, palette, canvas, inspector, bottom dock, status bar. */
import { useEffect } from 'react';
import { ReactFlowProvider } from '@xyflow/react';
import { Canvas } from './canvas/Canvas.tsx';
import { Palette } from './canvas/Palette.tsx';
import { handleKeydown, runCommand } from './commands.ts';
import { connectDesktop } from './desktop.ts';
import { BottomPanels } from './panels/BottomPanels.tsx';
import { Inspector } from './panels/Inspector.tsx';
import { Dialogs } from './shell/Dialogs.tsx';
import { RecoveryBanner, StatusBar, Toasts } from './shell/Overlays.tsx';
import { TopBar } from './shell/TopBar.tsx';
import { useStudio } from './store.ts';

export function App() {
  const theme = useStudio((s) => s.theme);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  useEffect(() => connectDesktop(runCommand), []);
  useEffect(() => {
    window.addEventListener('keydown', handleKeydown);
    return () => window.removeEventListener('keydown', handleKeydown);
  }, []);
  return (
    <ReactFlowProvider>
      <div className="app">
        <TopBar />
        <RecoveryBanner />
        <div className="workspace">
          <Palette />
          <main className="center">
            <Canvas />
            <BottomPanels />
          </main>
          <Inspector />
        </div>
        <StatusBar />
        <Dialogs />
        <Toasts />
      </div>
    </ReactFlowProvider>
  );
}
