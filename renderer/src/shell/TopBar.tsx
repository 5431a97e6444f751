/**
 * The top bar: menus built from the command table (labels and shortcuts from commands.ts), the
 * document title with its dirty marker, and the run controls.
 */
import { useEffect, useState } from 'react';
import { commandsOf, isEnabled, runCommand, shortcutLabel, tooltip, type MenuName } from '../commands.ts';
import { isDirty, useStudio } from '../store.ts';

const MENUS: MenuName[] = ['File', 'Edit', 'View', 'Run'];

function Menu({ name, open, onOpen, onClose }: { name: MenuName; open: boolean; onOpen: () => void; onClose: () => void }) {
  return (
    <div className="menu">
      <button className={`menu__button ${open ? 'menu__button--open' : ''}`} onClick={() => (open ? onClose() : onOpen())} data-testid={`menu-${name}`}>
        {name}
      </button>
      {open && <MenuList name={name} onClose={onClose} />}
    </div>
  );
}

/** Only an open menu subscribes to the whole store (for enabled states). */
function MenuList({ name, onClose }: { name: MenuName; onClose: () => void }) {
  const state = useStudio();
  return (
    <div className="menu__list" role="menu">
      {commandsOf(name).map((command) => (
        <button
          key={command.id}
          role="menuitem"
          className="menu__item"
          disabled={!isEnabled(command, state)}
          data-testid={`cmd-${command.id}`}
          onClick={() => {
            onClose();
            runCommand(command.id);
          }}
        >
          <span>{command.label}</span>
          <kbd>{shortcutLabel(command.id)}</kbd>
        </button>
      ))}
    </div>
  );
}

export function TopBar() {
  const [openMenu, setOpenMenu] = useState<MenuName | undefined>();
  const path = useStudio((s) => s.path);
  const dirty = useStudio(isDirty);
  const name = useStudio((s) => s.flow.displayName ?? s.flow.name);
  const run = useStudio((s) => s.run);
  const runBusy = useStudio((s) => s.runBusy);
  const runPort = useStudio((s) => s.runPort);
  const flowPort = useStudio((s) => s.flow.listener?.port);
  const theme = useStudio((s) => s.theme);
  const set = useStudio((s) => s.set);

  useEffect(() => {
    if (!openMenu) return;
    const close = (e: MouseEvent) => {
      if (!(e.target as HTMLElement).closest('.menu')) setOpenMenu(undefined);
    };
    const esc = (e: KeyboardEvent) => e.key === 'Escape' && setOpenMenu(undefined);
    window.addEventListener('mousedown', close);
    window.addEventListener('keydown', esc);
    return () => {
      window.removeEventListener('mousedown', close);
      window.removeEventListener('keydown', esc);
    };
  }, [openMenu]);

  useEffect(() => {
    document.title = `${dirty ? '● ' : ''}${path ?? 'untitled'} — wsflow`;
  }, [dirty, path]);

  return (
    <header className="topbar">
      <div className="brand" title="wsflow designer">
        <span className="brand__mark">ws</span>flow
      </div>
      <nav className="menus">
        {MENUS.map((menu) => (
          <Menu key={menu} name={menu} open={openMenu === menu} onOpen={() => setOpenMenu(menu)} onClose={() => setOpenMenu(undefined)} />
        ))}
      </nav>
      <div className="doc-title" data-testid="doc-title">
        <span className="doc-title__name">{name}</span>
        <span className="doc-title__path mono">{path ?? 'untitled'}</span>
        {dirty && <span className="dirty" title="Unsaved changes" data-testid="dirty-marker">●</span>}
      </div>
      <div className="toolbar">
        <button className="btn btn--icon" title={tooltip('edit.undo')} onClick={() => runCommand('edit.undo')} aria-label="Undo">↶</button>
        <button className="btn btn--icon" title={tooltip('edit.redo')} onClick={() => runCommand('edit.redo')} aria-label="Redo">↷</button>
        <button className="btn btn--icon" title={tooltip('view.autoLayout')} onClick={() => runCommand('view.autoLayout')} aria-label="Auto layout">⊞</button>
        <button className="btn btn--icon" title={tooltip('view.fitView')} onClick={() => runCommand('view.fitView')} aria-label="Fit view">⤢</button>
        <span className="toolbar__sep" />
        <button className="btn" title={tooltip('file.save')} onClick={() => runCommand('file.save')} data-testid="save">Save</button>
        <button className="btn" title={tooltip('file.export')} onClick={() => runCommand('file.export')} data-testid="export">Export</button>
        <span className="toolbar__sep" />
        <label className="run-port" title="Port the flow listens on while running (empty = the flow's port; 0 = any free port)">
          port
          <input
            className="input input--mono input--tiny"
            value={runPort}
            placeholder={String(flowPort ?? '')}
            disabled={!!run}
            data-testid="run-port"
            onChange={(e) => set({ runPort: e.target.value })}
          />
        </label>
        {run ? (
          <button className="btn btn--stop" title={tooltip('run.stop')} disabled={runBusy} onClick={() => runCommand('run.stop')} data-testid="run-stop">
            ■ Stop
          </button>
        ) : (
          <button className="btn btn--run" title={tooltip('run.start')} disabled={runBusy} onClick={() => runCommand('run.start')} data-testid="run-start">
            ▶ {runBusy ? 'Starting…' : 'Run'}
          </button>
        )}
        <button className="btn btn--icon" title={tooltip('view.toggleTheme')} onClick={() => runCommand('view.toggleTheme')} aria-label="Toggle theme" data-testid="theme-toggle">
          {theme === 'dark' ? '☀' : '☾'}
        </button>
      </div>
    </header>
  );
}
