/**
 * Every editor command in ONE place: id (names.md), label, menu, shortcuts, when it is enabled,
 * and what it does. Menus, tooltips and the keyboard all read this table, so a shortcut shown is
 * always a shortcut that works. `register` refuses two commands on one key.
 */
import { copyElements, moveNodes, pasteElements, removeElements } from './model/flow-ops.ts';
import { autoLayout } from './model/layout.ts';
import { desktop, desktopImport, desktopOpen, desktopSaveAs } from './desktop.ts';
import { newDocument, save, startRun, stopRun } from './services.ts';
import { isDirty, useStudio, type StudioState } from './store.ts';

export type CommandId =
  | 'file.new'
  | 'file.open'
  | 'file.save'
  | 'file.saveAs'
  | 'file.export'
  | 'file.importAsyncApi'
  | 'edit.undo'
  | 'edit.redo'
  | 'edit.copy'
  | 'edit.paste'
  | 'edit.delete'
  | 'edit.selectAll'
  | 'view.fitView'
  | 'view.autoLayout'
  | 'view.toggleTheme'
  | 'run.start'
  | 'run.stop';

export type MenuName = 'File' | 'Edit' | 'View' | 'Run';

export interface Command {
  id: CommandId;
  label: string;
  menu: MenuName;
  /** `Mod` is Ctrl (Cmd on macOS); letters and digits by physical key (`KeyS`, `Digit1`). */
  keys: string[];
  /** Also fires while typing in a field or the code editor (file and run commands). */
  global?: boolean;
  enabled?: (state: StudioState) => boolean;
  run: () => void;
}

const get = () => useStudio.getState();
const hasSelection = (s: StudioState) => s.selectedNodes.length > 0 || s.selectedEdges.length > 0;
let pasteCount = 0;

const TABLE: Command[] = [
  { id: 'file.new', label: 'New flow', menu: 'File', keys: ['Mod+Alt+KeyN'], global: true, run: () => (isDirty(get()) ? get().set({ dialog: 'newConfirm' }) : newDocument()) },
  { id: 'file.open', label: 'Open…', menu: 'File', keys: ['Mod+KeyO'], global: true, run: () => (desktop ? void desktopOpen() : get().set({ dialog: 'open' })) },
  { id: 'file.save', label: 'Save', menu: 'File', keys: ['Mod+KeyS'], global: true, run: () => void save() },
  { id: 'file.saveAs', label: 'Save as…', menu: 'File', keys: ['Mod+Shift+KeyS'], global: true, run: () => (desktop ? void desktopSaveAs() : get().set({ dialog: 'saveAs' })) },
  { id: 'file.export', label: 'Export…', menu: 'File', keys: ['Mod+KeyE'], global: true, run: () => get().set({ dialog: 'export' }) },
  { id: 'file.importAsyncApi', label: 'Import AsyncAPI…', menu: 'File', keys: ['Mod+KeyI'], global: true, run: () => (desktop ? void desktopImport() : get().set({ dialog: 'import' })) },
  { id: 'edit.undo', label: 'Undo', menu: 'Edit', keys: ['Mod+KeyZ'], enabled: (s) => s.history.past.length > 0, run: () => get().undo() },
  { id: 'edit.redo', label: 'Redo', menu: 'Edit', keys: ['Mod+Shift+KeyZ', 'Mod+KeyY'], enabled: (s) => s.history.future.length > 0, run: () => get().redo() },
  {
    id: 'edit.copy',
    label: 'Copy',
    menu: 'Edit',
    keys: ['Mod+KeyC'],
    enabled: (s) => s.selectedNodes.length > 0,
    run: () => {
      pasteCount = 0;
      get().set({ clipboard: copyElements(get().flow, get().selectedNodes) });
    },
  },
  {
    id: 'edit.paste',
    label: 'Paste',
    menu: 'Edit',
    keys: ['Mod+KeyV'],
    enabled: (s) => (s.clipboard?.nodes.length ?? 0) > 0,
    run: () => {
      const clip = get().clipboard;
      if (!clip) return;
      pasteCount++;
      let ids: string[] = [];
      get().change((flow) => {
        const pasted = pasteElements(flow, clip, { x: 40 * pasteCount, y: 40 * pasteCount });
        ids = pasted.ids;
        return pasted.flow;
      });
      get().select(ids);
    },
  },
  {
    id: 'edit.delete',
    label: 'Delete',
    menu: 'Edit',
    keys: ['Delete', 'Backspace'],
    enabled: hasSelection,
    run: () => {
      const { selectedNodes, selectedEdges } = get();
      get().change((flow) => removeElements(flow, selectedNodes, selectedEdges));
      get().select([]);
    },
  },
  { id: 'edit.selectAll', label: 'Select all', menu: 'Edit', keys: ['Mod+KeyA'], run: () => get().select(get().flow.nodes.map((n) => n.id)) },
  { id: 'view.fitView', label: 'Fit view', menu: 'View', keys: ['Shift+Digit1'], run: () => get().set({ fitViewSeq: get().fitViewSeq + 1 }) },
  {
    id: 'view.autoLayout',
    label: 'Auto layout',
    menu: 'View',
    keys: ['Mod+Shift+KeyL'],
    enabled: (s) => s.flow.nodes.length > 0,
    run: () => {
      const { measured } = get();
      get().change((flow) => moveNodes(flow, autoLayout(flow, measured)));
      get().set({ fitViewSeq: get().fitViewSeq + 1 });
    },
  },
  {
    id: 'view.toggleTheme',
    label: 'Toggle dark theme',
    menu: 'View',
    keys: ['Alt+KeyT'],
    global: true,
    run: () => {
      const theme = get().theme === 'dark' ? 'light' : 'dark';
      get().set({ theme });
      try {
        localStorage.setItem('wsflow.theme', theme);
      } catch {
        // Private mode: the theme just is not remembered.
      }
    },
  },
  { id: 'run.start', label: 'Start', menu: 'Run', keys: ['F5'], global: true, enabled: (s) => !s.run && !s.runBusy, run: () => void startRun() },
  { id: 'run.stop', label: 'Stop', menu: 'Run', keys: ['Shift+F5'], global: true, enabled: (s) => !!s.run && !s.runBusy, run: () => void stopRun() },
];

export const COMMANDS: ReadonlyMap<CommandId, Command> = register(TABLE);

function register(commands: Command[]): Map<CommandId, Command> {
  const byId = new Map<CommandId, Command>();
  const byKey = new Map<string, CommandId>();
  for (const command of commands) {
    if (byId.has(command.id)) throw new Error(`command ${command.id} registered twice`);
    for (const key of command.keys) {
      const other = byKey.get(key);
      if (other) throw new Error(`shortcut ${key} is claimed by ${other} and ${command.id}`);
      byKey.set(key, command.id);
    }
    byId.set(command.id, command);
  }
  return byId;
}

export function commandsOf(menu: MenuName): Command[] {
  return [...COMMANDS.values()].filter((c) => c.menu === menu);
}

export function isEnabled(command: Command, state: StudioState = get()): boolean {
  return command.enabled ? command.enabled(state) : true;
}

export function runCommand(id: CommandId): void {
  const command = COMMANDS.get(id);
  if (command && isEnabled(command)) command.run();
}

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

/** `Ctrl+Shift+Z` (or `⌘⇧Z` on macOS) for the first shortcut of a command. */
export function shortcutLabel(id: CommandId): string {
  const key = COMMANDS.get(id)?.keys[0];
  if (!key) return '';
  const parts = key.split('+').map((part) => {
    if (part === 'Mod') return isMac ? '⌘' : 'Ctrl';
    if (part === 'Shift') return isMac ? '⇧' : 'Shift';
    if (part === 'Alt') return isMac ? '⌥' : 'Alt';
    return part.replace(/^Key/, '').replace(/^Digit/, '');
  });
  return parts.join(isMac ? '' : '+');
}

export function tooltip(id: CommandId): string {
  const command = COMMANDS.get(id);
  const keys = shortcutLabel(id);
  return command ? (keys ? `${command.label} (${keys})` : command.label) : id;
}

function eventKey(event: KeyboardEvent): string {
  const parts: string[] = [];
  if (event.ctrlKey || event.metaKey) parts.push('Mod');
  if (event.altKey) parts.push('Alt');
  if (event.shiftKey) parts.push('Shift');
  const physical = /^(Key[A-Z]|Digit[0-9])$/.test(event.code) ? event.code : event.key;
  parts.push(physical);
  return parts.join('+');
}

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || typeof el.closest !== 'function') return false;
  return !!el.closest('input, textarea, select, [contenteditable="true"], .monaco-editor');
}

/** The window's keydown handler: runs the command bound to the key, if any. */
export function handleKeydown(event: KeyboardEvent): void {
  const key = eventKey(event);
  const command = [...COMMANDS.values()].find((c) => c.keys.includes(key));
  if (!command) return;
  if (!command.global && isTyping(event.target)) return;
  // Modal dialogs own the keyboard, except for Escape which they handle themselves.
  if (get().dialog && !command.global) return;
  event.preventDefault();
  if (isEnabled(command)) command.run();
}
