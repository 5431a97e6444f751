/**
 * The native menu as data. `buildMenuTemplate` is pure (platform in, entries out) so the labels,
 * accelerators and command ids are unit-tested in Node; `toElectronTemplate` turns the entries
 * into Electron's template with click handlers.
 *
 * Commands, their labels, order and accelerators come from the one command table
 * (`runtime/studio/command-table.ts`); this module adds the desktop-only items (Open Recent, Quit,
 * zoom and window roles, About).
 *
 * Keyboard policy: the page sees every key before the menu does and the renderer registers the
 * same shortcuts (from the same table), so the menu mainly shows them. Edit commands and bare keys
 * (Delete, Shift+1) are shown but not registered: registered, they would fire while the user
 * types in Monaco or a text field. On macOS, where a menu key equivalent cannot be unregistered,
 * accelerators without Cmd/Ctrl (bare keys, Option+letter) are left out of the menu.
 */
import { basename } from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import { acceleratorOf, COMMAND_TABLE, commandSpec, type CommandSpec, type DesktopMenuCommand, type MenuName } from './desktop-api.ts';

/** A native menu role, as Electron's own types name them. */
export type MenuRole = NonNullable<MenuItemConstructorOptions['role']>;

export type MenuAction =
  | { kind: 'command'; command: DesktopMenuCommand }
  | { kind: 'openRecent'; path: string }
  | { kind: 'clearRecent' }
  | { kind: 'about' };

export interface MenuEntry {
  label?: string;
  role?: MenuRole;
  type?: 'separator';
  accelerator?: string;
  registerAccelerator?: boolean;
  enabled?: boolean;
  action?: MenuAction;
  submenu?: MenuEntry[];
}

export interface MenuOptions {
  platform: string;
  appName: string;
  recentFiles: readonly string[];
  /** Show Toggle Developer Tools (development runs only, never in a packaged app). */
  developerTools: boolean;
}

/** Accelerator of a command (Electron syntax) on a platform, from the command table. */
export function commandAccelerator(command: DesktopMenuCommand, platform: string): string | undefined {
  return acceleratorOf(commandSpec(command), platform);
}

/** The table's label with `&` before its mnemonic letter (Windows and Linux show it underlined). */
function withMnemonic(spec: CommandSpec): string {
  const m = spec.mnemonic;
  // The letter at the start of a word ("Save &as…"), else its first occurrence ("S&top").
  const at = m ? [...spec.label].findIndex((ch, i) => ch === m && (i === 0 || spec.label[i - 1] === ' ')) : -1;
  const text = spec.label;
  const index = at >= 0 ? at : m ? text.indexOf(m) : -1;
  return index < 0 ? text : `${text.slice(0, index)}&${text.slice(index)}`;
}

/** True when the accelerator has a Cmd/Ctrl/Alt modifier or is a function key. */
export function hasModifier(accelerator: string): boolean {
  const parts = accelerator.split('+');
  const key = parts[parts.length - 1] ?? '';
  if (/^F\d{1,2}$/.test(key)) return true;
  return parts.slice(0, -1).some((p) => /^(CmdOrCtrl|CommandOrControl|Cmd|Command|Ctrl|Control|Alt|Option|AltGr|Super|Meta)$/.test(p));
}

/**
 * On macOS Option+letter types a character (Option+T is a dagger), so only Cmd/Ctrl chords and
 * function keys may be menu key equivalents there.
 */
export function isCommandChord(accelerator: string): boolean {
  const parts = accelerator.split('+');
  const key = parts[parts.length - 1] ?? '';
  if (/^F\d{1,2}$/.test(key)) return true;
  return parts.slice(0, -1).some((p) => /^(CmdOrCtrl|CommandOrControl|Cmd|Command|Ctrl|Control)$/.test(p));
}

/** Whether the menu should own the key (see the keyboard policy above). */
export function shouldRegister(command: DesktopMenuCommand, accelerator: string): boolean {
  return !command.startsWith('edit.') && hasModifier(accelerator);
}

/** `&` marks a mnemonic on Windows and Linux; a literal one in a path must be doubled. */
function escapeMnemonic(text: string, platform: string): string {
  return platform === 'darwin' ? text : text.replaceAll('&', '&&');
}

function label(text: string, platform: string): string {
  // Mnemonics (Alt+F opens File) exist on Windows and Linux only.
  return platform === 'darwin' ? text.replaceAll('&', '') : text;
}

export function buildMenuTemplate(options: MenuOptions): MenuEntry[] {
  const { platform } = options;
  const mac = platform === 'darwin';
  const separator: MenuEntry = { type: 'separator' };
  const command = (command: DesktopMenuCommand): MenuEntry => {
    const accelerator = commandAccelerator(command, platform);
    const entry: MenuEntry = { label: label(withMnemonic(commandSpec(command)), platform), action: { kind: 'command', command } };
    if (accelerator === undefined) return entry;
    const register = shouldRegister(command, accelerator);
    if (mac && !isCommandChord(accelerator)) return entry;
    entry.accelerator = accelerator;
    if (!register) entry.registerAccelerator = false;
    return entry;
  };
  // macOS delivers Cmd+C/V/Z/A to text fields (Monaco included) only through Edit menu items with
  // the native roles, so there those items are roles; the designer's keyboard handler still runs
  // its own commands first when the canvas has focus. Elsewhere the items send the command ids.
  const nativeRoles: Partial<Record<DesktopMenuCommand, MenuRole>> = { 'edit.undo': 'undo', 'edit.redo': 'redo', 'edit.copy': 'copy', 'edit.paste': 'paste', 'edit.selectAll': 'selectAll' };
  const item = (id: DesktopMenuCommand): MenuEntry => {
    const role = nativeRoles[id];
    if (!mac || !role) return command(id);
    const accelerator = commandAccelerator(id, platform);
    return { role, label: label(commandSpec(id).label, platform), ...(accelerator ? { accelerator } : {}) };
  };
  /** The table's commands of one menu, in table order, with their separators; `after` adds items after a command. */
  const commandsOf = (menu: MenuName, after: Partial<Record<DesktopMenuCommand, MenuEntry[]>> = {}): MenuEntry[] =>
    COMMAND_TABLE.filter((c) => c.menu === menu).flatMap((c) => [
      ...('separatorBefore' in c && c.separatorBefore ? [separator] : []),
      item(c.id),
      ...(after[c.id] ?? []),
    ]);

  const recent: MenuEntry[] = options.recentFiles.map((path) => ({
    label: escapeMnemonic(mac ? basename(path) : path, platform),
    action: { kind: 'openRecent', path },
  }));
  const openRecent: MenuEntry = {
    label: label('Open &Recent', platform),
    submenu: [
      ...(recent.length > 0 ? recent : [{ label: 'No Recent Files', enabled: false }]),
      separator,
      { label: label('&Clear Recent', platform), enabled: recent.length > 0, action: { kind: 'clearRecent' } },
    ],
  };

  const file: MenuEntry = {
    label: label('&File', platform),
    submenu: [
      ...commandsOf('File', { 'file.open': [openRecent] }),
      ...(mac ? [] : [separator, { role: 'quit', label: platform === 'win32' ? 'E&xit' : '&Quit', accelerator: 'CmdOrCtrl+Q' } satisfies MenuEntry]),
    ],
  };
  const edit: MenuEntry = { label: label('&Edit', platform), submenu: commandsOf('Edit') };
  const view: MenuEntry = {
    label: label('&View', platform),
    submenu: [
      ...commandsOf('View'),
      separator,
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      separator,
      { role: 'togglefullscreen' },
      ...(options.developerTools ? [separator, { role: 'toggleDevTools' } satisfies MenuEntry] : []),
    ],
  };
  const run: MenuEntry = { label: label('&Run', platform), submenu: commandsOf('Run') };
  const help: MenuEntry = {
    label: label('&Help', platform),
    role: mac ? 'help' : undefined,
    submenu: [...commandsOf('Help'), separator, { label: label(`&About ${options.appName}`, platform), action: { kind: 'about' } }],
  };
  if (help.role === undefined) delete help.role;

  if (!mac) return [file, edit, view, run, help];
  const appMenu: MenuEntry = {
    label: options.appName,
    submenu: [
      { label: `About ${options.appName}`, action: { kind: 'about' } },
      separator,
      { role: 'services' },
      separator,
      { role: 'hide' },
      { role: 'hideOthers' },
      { role: 'unhide' },
      separator,
      { role: 'quit' },
    ],
  };
  return [appMenu, file, edit, view, run, { role: 'windowMenu' }, help];
}

/** Electron's template, each action wired to `onAction`. */
export function toElectronTemplate(entries: readonly MenuEntry[], onAction: (action: MenuAction) => void): MenuItemConstructorOptions[] {
  return entries.map((entry) => {
    const item: MenuItemConstructorOptions = {};
    if (entry.label !== undefined) item.label = entry.label;
    if (entry.role !== undefined) item.role = entry.role;
    if (entry.type !== undefined) item.type = entry.type;
    if (entry.accelerator !== undefined) item.accelerator = entry.accelerator;
    if (entry.registerAccelerator !== undefined) item.registerAccelerator = entry.registerAccelerator;
    if (entry.enabled !== undefined) item.enabled = entry.enabled;
    const action = entry.action;
    if (action) item.click = () => onAction(action);
    if (entry.submenu) item.submenu = toElectronTemplate(entry.submenu, onAction);
    return item;
  });
}

/** Every entry of a template, depth first (tests and lookups). */
export function flattenMenu(entries: readonly MenuEntry[]): MenuEntry[] {
  return entries.flatMap((entry) => [entry, ...(entry.submenu ? flattenMenu(entry.submenu) : [])]);
}
