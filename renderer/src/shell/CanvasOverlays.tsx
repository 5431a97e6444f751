/**
 * Overlays over the canvas: quick-add (type a node name), connect the selected node to another by
 * keyboard, find a node (Ctrl+F), the keyboard shortcuts sheet (`?`), and the context menu of
 * nodes, edges and the canvas.
 */
import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { canConnect } from '../../../runtime/model/edges.ts';
import { MENU_NAMES, type CommandId } from '../../../runtime/studio/protocol.ts';
import { useCommands, useView } from '../app-context.tsx';
import { paletteItems } from '../canvas/Palette.tsx';
import { placeNode } from '../canvas/place.ts';
import { isTyping, keyLabel } from '../commands.ts';
import { findNodes, type NodeMatch } from '../model/find.ts';
import { connect } from '../model/flow-ops.ts';
import { useStudio } from '../store.ts';
import { trapTab } from './Modal.tsx';
import { moveFocus } from './TopBar.tsx';

const close = () => useStudio.getState().set({ overlay: undefined, overlayQuery: '', quickAddAt: undefined, contextMenu: undefined });

export function CanvasOverlays() {
  const overlay = useStudio((s) => s.overlay);
  // Typing a letter on the canvas starts quick-add with it.
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      const state = useStudio.getState();
      if (state.overlay || state.dialog || e.ctrlKey || e.metaKey || e.altKey || !/^[a-zA-Z]$/.test(e.key) || isTyping(e.target)) return;
      const target = e.target as HTMLElement | null;
      if (target && target !== document.body && !target.closest('.canvas')) return;
      e.preventDefault();
      state.set({ overlay: 'quickAdd', overlayQuery: e.key });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  if (overlay === 'quickAdd') return <QuickAdd />;
  if (overlay === 'connect') return <ConnectTo />;
  if (overlay === 'find') return <FindNode />;
  if (overlay === 'shortcuts') return <ShortcutsSheet />;
  if (overlay === 'contextMenu') return <ContextMenu />;
  return null;
}

/** A small modal dialog: focus stays inside, Escape closes, focus returns where it was. */
function Popup({ title, testId, children, wide }: { title: string; testId: string; children: ReactNode; wide?: boolean }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    box.current?.querySelector<HTMLElement>('input, button')?.focus();
    return () => before?.focus?.();
  }, []);
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      close();
    } else if (e.key === 'Tab' && box.current) trapTab(e.nativeEvent, box.current);
  };
  return (
    <div className="modal-backdrop modal-backdrop--light" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div className={`modal popup nokey ${wide ? 'popup--wide' : ''}`} role="dialog" aria-modal="true" aria-label={title} ref={box} data-testid={testId} onKeyDown={onKeyDown}>
        <h2 className="popup__title">{title}</h2>
        {children}
      </div>
    </div>
  );
}

/** A filterable list picked with the arrow keys and Enter (quick-add and connect-to). */
function PickList<T>({ items, label, initial, render, keyOf, textOf, filter, onPick, empty, testId }: {
  items: readonly T[];
  label: string;
  initial: string;
  render: (item: T) => ReactNode;
  keyOf: (item: T) => string;
  textOf: (item: T) => string;
  /** Instead of matching `textOf`: the items a query shows, in order. */
  filter?: (query: string) => readonly T[];
  onPick: (item: T) => void;
  empty: string;
  testId: string;
}) {
  const [query, setQuery] = useState(initial);
  const [active, setActive] = useState(0);
  const shown = useMemo(() => {
    if (filter) return filter(query);
    const q = query.trim().toLowerCase();
    return q ? items.filter((i) => textOf(i).toLowerCase().includes(q)) : items;
  }, [items, query, textOf, filter]);
  const current = shown[Math.min(active, shown.length - 1)];
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown') setActive((a) => Math.min(a + 1, shown.length - 1));
    else if (e.key === 'ArrowUp') setActive((a) => Math.max(a - 1, 0));
    else if (e.key === 'Enter' && current) onPick(current);
    else return;
    e.preventDefault();
  };
  const listId = `${testId}-list`;
  return (
    <>
      <input
        className="input"
        role="combobox"
        aria-expanded="true"
        aria-controls={listId}
        aria-activedescendant={current ? `${testId}-${keyOf(current)}` : undefined}
        aria-label={label}
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
        data-testid={`${testId}-input`}
        spellCheck={false}
      />
      <ul className="picklist" role="listbox" id={listId} aria-label={label}>
        {shown.map((item) => (
          <li
            key={keyOf(item)}
            id={`${testId}-${keyOf(item)}`}
            role="option"
            aria-selected={item === current}
            className={`picklist__item ${item === current ? 'picklist__item--active' : ''}`}
            onMouseDown={(e) => {
              e.preventDefault();
              onPick(item);
            }}
          >
            {render(item)}
          </li>
        ))}
        {shown.length === 0 && <li className="muted small">{empty}</li>}
      </ul>
    </>
  );
}

/** Find a node by id, label or the text in its fields; Enter selects it and centres the canvas on it. */
function FindNode() {
  const nodes = useStudio((s) => s.flow.nodes);
  const filter = useMemo(() => (query: string) => findNodes(nodes, query), [nodes]);
  return (
    <Popup title="Find a node" testId="find">
      <PickList<NodeMatch>
        items={[]}
        filter={filter}
        label="Node id, label or text in its fields"
        initial=""
        keyOf={(m) => m.node.id}
        textOf={(m) => m.node.id}
        empty="No node matches."
        testId="find"
        render={(m) => (
          <>
            <b className="mono">{m.node.id}</b>
            {typeof m.node.label === 'string' && m.node.label ? ` ${m.node.label}` : ''} <span className="muted small">{m.where}</span>
          </>
        )}
        onPick={(m) => {
          close();
          const state = useStudio.getState();
          state.select([m.node.id]);
          state.set({ centerOn: { id: m.node.id, seq: (state.centerOn?.seq ?? 0) + 1 } });
        }}
      />
    </Popup>
  );
}

function QuickAdd() {
  const initial = useStudio((s) => s.overlayQuery);
  const at = useStudio((s) => s.quickAddAt);
  const view = useView();
  useStudio((s) => s.kindsVersion);
  return (
    <Popup title="Add a node" testId="quick-add">
      <PickList
        items={paletteItems()}
        label="Node type"
        initial={initial}
        testId="quick-add"
        keyOf={(i) => i.type}
        // The type as the file spells it (its kind's id) finds it too, not only its title.
        textOf={(i) => `${i.label} ${i.type} ${i.group}`}
        empty="No node type matches."
        render={(i) => (
          <>
            <b>{i.label}</b> <span className="muted small">{i.hint}</span>
          </>
        )}
        onPick={(item) => {
          const spot = at ?? view.center();
          close();
          placeNode(useStudio, item.type, spot, view.visible());
        }}
      />
    </Popup>
  );
}

function ConnectTo() {
  const flow = useStudio((s) => s.flow);
  const from = useStudio((s) => s.selectedNodes[0]);
  const targets = useMemo(
    () =>
      flow.nodes.flatMap((n) => {
        if (!from || n.id === from) return [];
        if (canConnect(flow, from, n.id).ok) return [{ id: n.id, type: n.type, from, to: n.id }];
        if (canConnect(flow, n.id, from).ok) return [{ id: n.id, type: n.type, from: n.id, to: from }];
        return [];
      }),
    [flow, from],
  );
  return (
    <Popup title={`Connect ${from ?? ''} to…`} testId="connect-to">
      <PickList
        items={targets}
        label="Node to connect"
        initial=""
        testId="connect-to"
        keyOf={(t) => t.id}
        textOf={(t) => `${t.id} ${t.type}`}
        empty="No node can be connected to this one."
        render={(t) => (
          <>
            <b>{t.id}</b> <span className="muted small">{t.type} · {t.from} → {t.to}</span>
          </>
        )}
        onPick={(t) => {
          close();
          const state = useStudio.getState();
          const outcome = connect(state.flow, t.from, t.to);
          if (outcome.ok) {
            state.change(() => outcome.flow);
            state.toast('success', `Connected ${t.from} → ${t.to}`);
          } else state.toast('error', outcome.reason);
        }}
      />
    </Popup>
  );
}

const CANVAS_KEYS: [string, string][] = [
  ['Space + drag or wheel', 'Pan the canvas'],
  ['Ctrl + wheel', 'Zoom'],
  ['Shift + drag', 'Select an area'],
  ['Tab, then Enter', 'Focus and select a node'],
  ['Arrow keys', 'Move the selected node'],
  ['A letter', 'Add a node by typing its name'],
];

function ShortcutsSheet() {
  const commands = useCommands();
  return (
    <Popup title="Keyboard shortcuts" testId="shortcuts" wide>
      <div className="shortcuts">
        {MENU_NAMES.map((menu) => (
          <section key={menu}>
            <h3>{menu}</h3>
            <dl>
              {commands.ofMenu(menu).map((c) => (
                <div key={c.id} className="shortcuts__row">
                  <dt>{c.label}</dt>
                  <dd>{c.keys.filter((k) => k !== 'Shift+?').map((k) => <kbd key={k}>{keyLabel(k)}</kbd>)}</dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
        <section>
          <h3>Canvas</h3>
          <dl>
            {CANVAS_KEYS.map(([keys, what]) => (
              <div key={keys} className="shortcuts__row">
                <dt>{what}</dt>
                <dd><kbd>{keys}</kbd></dd>
              </div>
            ))}
          </dl>
        </section>
      </div>
      <div className="modal__actions">
        <button className="btn btn--primary" onClick={close}>Close</button>
      </div>
    </Popup>
  );
}

const CONTEXT_ITEMS: Record<'node' | 'edge' | 'canvas', CommandId[]> = {
  node: ['edit.copy', 'edit.duplicate', 'edit.connect', 'edit.toggleDisabled', 'edit.group', 'edit.ungroup', 'edit.delete'],
  edge: ['edit.delete'],
  canvas: ['edit.quickAdd', 'edit.paste', 'edit.selectAll', 'view.fitView', 'view.autoLayout'],
};

function ContextMenu() {
  const at = useStudio((s) => s.contextMenu);
  const state = useStudio();
  const commands = useCommands();
  const list = useRef<HTMLDivElement>(null);
  useEffect(() => {
    moveFocus(list.current, 'Home');
    const away = (e: MouseEvent) => {
      if (!list.current?.contains(e.target as Node)) close();
    };
    window.addEventListener('mousedown', away);
    return () => window.removeEventListener('mousedown', away);
  }, []);
  if (!at) return null;
  const onKeyDown = (e: KeyboardEvent) => {
    if (moveFocus(list.current, e.key)) e.preventDefault();
    else if (e.key === 'Escape' || e.key === 'Tab') {
      e.preventDefault();
      close();
    }
  };
  return (
    <div className="menu__list context-menu nokey" role="menu" aria-label={`${at.target} actions`} ref={list} style={{ left: at.x, top: at.y }} onKeyDown={onKeyDown} data-testid="context-menu">
      {CONTEXT_ITEMS[at.target].map((id) => {
        const command = commands.get(id);
        return (
          <button
            key={id}
            role="menuitem"
            tabIndex={-1}
            className="menu__item"
            disabled={!commands.isEnabled(command, state)}
            data-testid={`ctx-${id}`}
            onClick={() => {
              const where = at.flow;
              close();
              commands.run(id);
              // "Add node…" from the canvas menu puts the node where the menu was opened.
              if (id === 'edit.quickAdd') useStudio.getState().set({ quickAddAt: { x: where.x - 110, y: where.y - 40 } });
            }}
          >
            <span>{command.label}</span>
            <kbd>{command.keys[0] ? keyLabel(command.keys[0]) : ''}</kbd>
          </button>
        );
      })}
    </div>
  );
}
