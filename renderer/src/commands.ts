/**
 * The command registry: the one command table (runtime/studio/command-table.ts: id, label, menu,
 * keys) joined with what each command does (command-actions.ts). Menus, tooltips, the shortcuts sheet,
 * context menus and the keyboard all go through it, so a shortcut shown is a shortcut that works.
 */
import { COMMAND_TABLE, commandSpec, type CommandId, type CommandSpec, type MenuName } from '../../runtime/studio/protocol.ts';
import type { StudioState, StudioStore } from './store.ts';

/** What the registry reads of a keydown (a DOM `KeyboardEvent`; structural so Node tests can drive it). */
export interface KeyInput {
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
  code: string;
  key: string;
  target: unknown;
  preventDefault(): void;
}

export type { CommandId, MenuName };

export interface Action {
  enabled?: (state: StudioState) => boolean;
  run: () => void;
}

export interface Command extends CommandSpec, Action {
  id: CommandId;
}

export interface Commands {
  readonly list: readonly Command[];
  get(id: CommandId): Command;
  ofMenu(menu: MenuName): Command[];
  isEnabled(command: Command, state?: StudioState): boolean;
  /** Runs the command when it is enabled; false when it is not. */
  run(id: CommandId): boolean;
  /** The window's keydown handler: runs the command bound to the key, if any. */
  handleKeydown(event: KeyInput): void;
}

export function createCommands(actions: Readonly<Record<CommandId, Action>>, store: StudioStore): Commands {
  const list: Command[] = COMMAND_TABLE.map((spec) => ({ ...spec, ...actions[spec.id] }));
  const byKey = new Map<string, Command>();
  for (const command of list) {
    for (const key of command.keys) {
      const other = byKey.get(key);
      if (other) throw new Error(`shortcut ${key} is claimed by ${other.id} and ${command.id}`);
      byKey.set(key, command);
    }
  }
  const get = (id: CommandId): Command => {
    const command = list.find((c) => c.id === id);
    if (!command) throw new Error(`unknown command ${id}`);
    return command;
  };
  const isEnabled = (command: Command, state: StudioState = store.getState()) => (command.enabled ? command.enabled(state) : true);
  const run = (id: CommandId) => {
    const command = get(id);
    if (!isEnabled(command)) return false;
    command.run();
    return true;
  };
  return {
    list,
    get,
    ofMenu: (menu) => list.filter((c) => c.menu === menu),
    isEnabled,
    run,
    handleKeydown(event) {
      const command = byKey.get(eventKey(event));
      if (!command) return;
      if (!command.global && isTyping(event.target)) return;
      // Modal dialogs and overlays own the keyboard, except for the global commands.
      const state = store.getState();
      if ((state.dialog || state.overlay) && !command.global) return;
      event.preventDefault();
      if (isEnabled(command)) command.run();
    },
  };
}

const isMac = /Mac|iPhone|iPad/.test((globalThis as { navigator?: { platform?: string } }).navigator?.platform ?? '');

/** A key in the table's notation as people read it: `Ctrl+Shift+Z` (or `⌘⇧Z` on macOS). */
export function keyLabel(key: string): string {
  const parts = key.split('+').filter((part, i, all) => !(part === 'Shift' && all[i + 1] === '?'));
  const shown = parts.map((part) => {
    if (part === 'Mod') return isMac ? '⌘' : 'Ctrl';
    if (part === 'Shift') return isMac ? '⇧' : 'Shift';
    if (part === 'Alt') return isMac ? '⌥' : 'Alt';
    return part.replace(/^Key/, '').replace(/^Digit/, '');
  });
  return shown.join(isMac ? '' : '+');
}

/** The first shortcut of a command, readable. */
export function shortcutLabel(id: CommandId): string {
  const key = commandSpec(id).keys[0];
  return key ? keyLabel(key) : '';
}

export function tooltip(id: CommandId): string {
  const keys = shortcutLabel(id);
  const { label } = commandSpec(id);
  return keys ? `${label} (${keys})` : label;
}

function eventKey(event: KeyInput): string {
  const parts: string[] = [];
  if (event.ctrlKey || event.metaKey) parts.push('Mod');
  if (event.altKey) parts.push('Alt');
  if (event.shiftKey) parts.push('Shift');
  const physical = /^(Key[A-Z]|Digit[0-9])$/.test(event.code) ? event.code : event.key;
  parts.push(physical);
  return parts.join('+');
}

/** Focus in a field or the code editor: keys there are text, not commands. */
export function isTyping(target: unknown): boolean {
  const el = target as { closest?: (selector: string) => unknown } | null;
  if (!el || typeof el.closest !== 'function') return false;
  return !!el.closest('input, textarea, select, [contenteditable="true"], .monaco-editor');
}
