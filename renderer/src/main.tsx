/** Entry of the designer bundle (served by `wsflow studio`, loaded by the Electron shell). */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xyflow/react/dist/style.css';
import './styles.css';
import { createActions } from './command-actions.ts';
import { App } from './App.tsx';
import { AppContext, type AppContextValue } from './app-context.tsx';
import { StudioClient } from './client.ts';
import { createCommands } from './commands.ts';
import { createDesktop } from './desktop.ts';
import { createServices } from './services/index.ts';
import { isDirty, useStudio } from './store.ts';

const root = document.getElementById('root');
if (root) {
  const store = useStudio;
  const services = createServices({ client: StudioClient.fromLocation(window.location), store });
  const desktop = createDesktop(window.wsflowDesktop, services, store);
  const view: AppContextValue['view'] = { center: () => ({ x: 0, y: 0 }), visible: () => undefined };
  const remember = (key: string, value: string) => {
    try {
      localStorage.setItem(key, value);
    } catch {
      // Private mode: the preference just is not remembered.
    }
  };
  const clipboard = navigator.clipboard ? { writeText: (t: string) => navigator.clipboard.writeText(t), readText: () => navigator.clipboard.readText() } : undefined;
  const commands = createCommands(createActions({ services, store, desktop, clipboard, viewCenter: () => view.center(), remember }), store);
  desktop?.connect((id) => commands.run(id));
  window.addEventListener('keydown', (event) => commands.handleKeydown(event));
  window.addEventListener('beforeunload', (event) => {
    if (isDirty(store.getState())) event.preventDefault();
  });
  createRoot(root).render(
    <StrictMode>
      <AppContext.Provider value={{ services, commands, desktop, view }}>
        <App />
      </AppContext.Provider>
    </StrictMode>,
  );
  void services.start();
}
