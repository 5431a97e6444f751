/**
 * The top bar: menus built from the command table (labels and shortcuts from commands.ts), the
 * document title with its dirty marker, and the run controls.
 */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { MENU_NAMES, type MenuName } from '../../../runtime/studio/protocol.ts';
import { useCommands, useServices } from '../app-context.tsx';
import { shortcutLabel, tooltip } from '../commands.ts';
import { isDirty, useStudio } from '../store.ts';

/** Move focus among the enabled items of a menu list with the arrow keys, Home and End. */
export function moveFocus(list: HTMLElement | null, key: string): boolean {
  const items = [...(list?.querySelectorAll<HTMLElement>('[role="menuitem"]:not(:disabled)') ?? [])];
  if (!items.length) return false;
  const at = items.indexOf(document.activeElement as HTMLElement);
  const next = key === 'ArrowDown' ? (at + 1) % items.length : key === 'ArrowUp' ? (at - 1 + items.length) % items.length : key === 'Home' ? 0 : key === 'End' ? items.length - 1 : -1;
  if (next < 0) return false;
  items[next]?.focus();
  return true;
}

interface MenuProps {
  name: MenuName;
  open: boolean;
  onOpen: (focus: 'first' | 'last' | 'none') => void;
  onClose: (refocus: boolean) => void;
  onSwitch: (delta: 1 | -1) => void;
  focusOn: 'first' | 'last' | 'none';
}

function Menu({ name, open, onOpen, onClose, onSwitch, focusOn }: MenuProps) {
  const button = useRef<HTMLButtonElement>(null);
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown' || e.key === 'Enter' || e.key === ' ') onOpen('first');
    else if (e.key === 'ArrowUp') onOpen('last');
    else if (e.key === 'ArrowRight') onSwitch(1);
    else if (e.key === 'ArrowLeft') onSwitch(-1);
    else return;
    e.preventDefault();
  };
  return (
    <div className="menu">
      <button
        ref={button}
        className={`menu__button ${open ? 'menu__button--open' : ''}`}
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => (open ? onClose(false) : onOpen('none'))}
        onKeyDown={onKeyDown}
        data-testid={`menu-${name}`}
        data-menu={name}
      >
        {name}
      </button>
      {open && (
        <MenuList
          name={name}
          focusOn={focusOn}
          onClose={(refocus) => {
            onClose(refocus);
            if (refocus) button.current?.focus();
          }}
          onSwitch={onSwitch}
        />
      )}
    </div>
  );
}

/** Only an open menu subscribes to the whole store (for enabled states). */
function MenuList({ name, focusOn, onClose, onSwitch }: { name: MenuName; focusOn: 'first' | 'last' | 'none'; onClose: (refocus: boolean) => void; onSwitch: (delta: 1 | -1) => void }) {
  const state = useStudio();
  const commands = useCommands();
  const list = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (focusOn !== 'none') moveFocus(list.current, focusOn === 'first' ? 'Home' : 'End');
  }, [focusOn]);
  const onKeyDown = (e: KeyboardEvent) => {
    if (moveFocus(list.current, e.key)) e.preventDefault();
    else if (e.key === 'Escape') onClose(true);
    else if (e.key === 'ArrowRight') onSwitch(1);
    else if (e.key === 'ArrowLeft') onSwitch(-1);
    else if (e.key === 'Tab') onClose(false);
    else return;
    e.preventDefault();
  };
  return (
    <div className="menu__list" role="menu" aria-label={name} ref={list} onKeyDown={onKeyDown}>
      {commands.ofMenu(name).map((command) => (
        <button
          key={command.id}
          role="menuitem"
          className="menu__item"
          disabled={!commands.isEnabled(command, state)}
          data-testid={`cmd-${command.id}`}
          tabIndex={-1}
          onClick={() => {
            onClose(false);
            commands.run(command.id);
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
  const [focusOn, setFocusOn] = useState<'first' | 'last' | 'none'>('none');
  const commands = useCommands();
  const runCommand = commands.run;
  const switchMenu = (from: MenuName, delta: 1 | -1) => {
    const next = MENU_NAMES[(MENU_NAMES.indexOf(from) + delta + MENU_NAMES.length) % MENU_NAMES.length] ?? from;
    setFocusOn('first');
    setOpenMenu(next);
    document.querySelector<HTMLElement>(`[data-menu="${next}"]`)?.focus();
  };
  const path = useStudio((s) => s.path);
  const parentFlow = useStudio((s) => s.parentFlow);
  const services = useServices();
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
    const esc = (e: globalThis.KeyboardEvent) => e.key === 'Escape' && setOpenMenu(undefined);
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
      <nav className="menus" aria-label="Menus">
        {MENU_NAMES.map((menu) => (
          <Menu
            key={menu}
            name={menu}
            open={openMenu === menu}
            focusOn={focusOn}
            onOpen={(focus) => {
              setFocusOn(focus);
              setOpenMenu(menu);
            }}
            onClose={() => setOpenMenu(undefined)}
            onSwitch={(delta) => switchMenu(menu, delta)}
          />
        ))}
      </nav>
      <div className="doc-title" data-testid="doc-title">
        {parentFlow && (
          <button type="button" className="btn btn--small" title={`Save this component and go back to ${parentFlow}`} onClick={() => void services.backToFlow()} data-testid="breadcrumb-back">
            ← {parentFlow.split('/').pop()}
          </button>
        )}
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
            aria-label="Run port (empty: the flow's port; 0: any free port)"
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
        <button className="btn btn--icon" title={tooltip('help.shortcuts')} onClick={() => runCommand('help.shortcuts')} aria-label="Keyboard shortcuts" data-testid="shortcuts-button">?</button>
        <button className="btn btn--icon" title={tooltip('view.toggleTheme')} onClick={() => runCommand('view.toggleTheme')} aria-label="Toggle theme" data-testid="theme-toggle">
          {theme === 'dark' ? '☀' : '☾'}
        </button>
      </div>
    </header>
  );
}
