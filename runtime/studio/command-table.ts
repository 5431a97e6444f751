/**
 * Every designer command, once: id, label, menu, keys and native accelerator. Pure data. The
 * renderer's registry (renderer/src/commands.ts) adds what each command does, the studio protocol
 * derives the ids the desktop shell may send, and electron/menu.ts builds the native menu from it.
 * Adding a command is one row here plus its action in the renderer.
 */

export type MenuName = 'File' | 'Edit' | 'View' | 'Run' | 'Help';
export const MENU_NAMES: readonly MenuName[] = ['File', 'Edit', 'View', 'Run', 'Help'];

export interface CommandSpec {
  readonly id: string;
  readonly label: string;
  readonly menu: MenuName;
  /** Letter of `label` underlined as the native menu mnemonic (Windows and Linux). */
  readonly mnemonic?: string;
  /** A separator goes before this item in menus. */
  readonly separatorBefore?: boolean;
  /**
   * Keys in the renderer's notation: `Mod` is Ctrl (Cmd on macOS); letters and digits by physical
   * key (`KeyS`, `Digit1`), anything else by `KeyboardEvent.key` (`Delete`, `F5`, `?`).
   */
  readonly keys: readonly string[];
  /** Electron accelerator; per platform where the conventions differ. Absent: not in the native menu's keys. */
  readonly accelerator?: string | { readonly mac: string; readonly other: string };
  /** Also fires while typing in a field or the code editor (file and run commands). */
  readonly global?: boolean;
  /** Not in the native menu (the in-page menus and the keyboard still have it). */
  readonly pageOnly?: boolean;
}

export const COMMAND_TABLE = [
  { id: 'file.new', label: 'New flow', menu: 'File', mnemonic: 'N', keys: ['Mod+Alt+KeyN'], accelerator: 'CmdOrCtrl+Alt+N', global: true },
  { id: 'file.open', label: 'Open…', menu: 'File', mnemonic: 'O', keys: ['Mod+KeyO'], accelerator: 'CmdOrCtrl+O', global: true },
  { id: 'file.save', label: 'Save', menu: 'File', mnemonic: 'S', separatorBefore: true, keys: ['Mod+KeyS'], accelerator: 'CmdOrCtrl+S', global: true },
  { id: 'file.saveAs', label: 'Save as…', menu: 'File', mnemonic: 'a', keys: ['Mod+Shift+KeyS'], accelerator: 'CmdOrCtrl+Shift+S', global: true },
  { id: 'file.export', label: 'Export…', menu: 'File', mnemonic: 'E', separatorBefore: true, keys: ['Mod+KeyE'], accelerator: 'CmdOrCtrl+E', global: true },
  { id: 'file.importAsyncApi', label: 'Import AsyncAPI…', menu: 'File', mnemonic: 'I', keys: ['Mod+KeyI'], accelerator: 'CmdOrCtrl+I', global: true },
  { id: 'edit.undo', label: 'Undo', menu: 'Edit', mnemonic: 'U', keys: ['Mod+KeyZ'], accelerator: 'CmdOrCtrl+Z' },
  { id: 'edit.redo', label: 'Redo', menu: 'Edit', mnemonic: 'R', keys: ['Mod+Shift+KeyZ', 'Mod+KeyY'], accelerator: { mac: 'Cmd+Shift+Z', other: 'Ctrl+Y' } },
  { id: 'edit.copy', label: 'Copy', menu: 'Edit', mnemonic: 'C', separatorBefore: true, keys: ['Mod+KeyC'], accelerator: 'CmdOrCtrl+C' },
  { id: 'edit.paste', label: 'Paste', menu: 'Edit', mnemonic: 'P', keys: ['Mod+KeyV'], accelerator: 'CmdOrCtrl+V' },
  { id: 'edit.delete', label: 'Delete', menu: 'Edit', mnemonic: 'D', keys: ['Delete', 'Backspace'], accelerator: { mac: 'Backspace', other: 'Delete' } },
  { id: 'edit.duplicate', label: 'Duplicate', menu: 'Edit', mnemonic: 'l', keys: ['Mod+KeyD'], accelerator: 'CmdOrCtrl+D' },
  { id: 'edit.toggleDisabled', label: 'Disable / enable', menu: 'Edit', mnemonic: 'b', keys: ['Mod+Shift+KeyD'], accelerator: 'CmdOrCtrl+Shift+D' },
  { id: 'edit.group', label: 'Group in a frame', menu: 'Edit', mnemonic: 'G', keys: ['Mod+KeyG'], accelerator: 'CmdOrCtrl+G' },
  { id: 'edit.ungroup', label: 'Remove frame', menu: 'Edit', mnemonic: 'v', keys: ['Mod+Shift+KeyG'], accelerator: 'CmdOrCtrl+Shift+G' },
  { id: 'edit.selectAll', label: 'Select all', menu: 'Edit', mnemonic: 'A', separatorBefore: true, keys: ['Mod+KeyA'], accelerator: 'CmdOrCtrl+A' },
  // Not global: in the code editor Ctrl+F is the editor's own find.
  { id: 'edit.find', label: 'Find node…', menu: 'Edit', mnemonic: 'F', keys: ['Mod+KeyF'], accelerator: 'CmdOrCtrl+F' },
  { id: 'edit.quickAdd', label: 'Add node…', menu: 'Edit', mnemonic: 'N', separatorBefore: true, keys: ['Mod+KeyK'], accelerator: 'CmdOrCtrl+K' },
  { id: 'edit.connect', label: 'Connect selected node to…', menu: 'Edit', mnemonic: 't', keys: ['Mod+Shift+KeyC'], accelerator: 'CmdOrCtrl+Shift+C' },
  { id: 'edit.makeComponent', label: 'Make component…', menu: 'Edit', mnemonic: 'M', separatorBefore: true, keys: ['Mod+Alt+KeyM'], accelerator: 'CmdOrCtrl+Alt+M' },
  { id: 'view.fitView', label: 'Fit view', menu: 'View', mnemonic: 'F', keys: ['Shift+Digit1'], accelerator: 'Shift+1' },
  { id: 'view.autoLayout', label: 'Auto layout', menu: 'View', mnemonic: 'A', keys: ['Mod+Shift+KeyL'], accelerator: 'CmdOrCtrl+Shift+L' },
  { id: 'view.toggleInspector', label: 'Show or hide the inspector', menu: 'View', mnemonic: 'I', separatorBefore: true, keys: ['Mod+Alt+KeyB'], accelerator: 'CmdOrCtrl+Alt+B', global: true },
  { id: 'view.togglePanel', label: 'Show or hide the bottom panel', menu: 'View', mnemonic: 'b', keys: ['Mod+KeyJ'], accelerator: 'CmdOrCtrl+J', global: true },
  { id: 'view.maximizeEditor', label: 'Maximise the snippet editor', menu: 'View', mnemonic: 'M', keys: ['Mod+Shift+KeyM'], accelerator: 'CmdOrCtrl+Shift+M', global: true },
  { id: 'view.toggleTheme', label: 'Toggle dark theme', menu: 'View', mnemonic: 'T', separatorBefore: true, keys: ['Alt+KeyT'], accelerator: 'Alt+T', global: true },
  { id: 'run.start', label: 'Start', menu: 'Run', mnemonic: 'S', keys: ['F5'], accelerator: 'F5', global: true },
  { id: 'run.stop', label: 'Stop', menu: 'Run', mnemonic: 't', keys: ['Shift+F5'], accelerator: 'Shift+F5', global: true },
  // Debugging (docs/designer.md#debugging); F5 (run.start) also continues a paused connection.
  { id: 'run.toggleBreakpoint', label: 'Toggle breakpoint', menu: 'Run', mnemonic: 'B', separatorBefore: true, keys: ['F9'], accelerator: 'F9', global: true },
  { id: 'run.step', label: 'Step to the next node', menu: 'Run', mnemonic: 'N', keys: ['F10'], accelerator: 'F10', global: true },
  // No accelerator: a registered one would fire while typing, and `?` is typed text.
  { id: 'help.shortcuts', label: 'Keyboard shortcuts', menu: 'Help', mnemonic: 'K', keys: ['?', 'Shift+?'] },
] as const satisfies readonly CommandSpec[];

export type CommandId = (typeof COMMAND_TABLE)[number]['id'];

export const COMMAND_IDS: readonly CommandId[] = COMMAND_TABLE.map((c) => c.id);

export function commandSpec(id: CommandId): CommandSpec {
  const spec = COMMAND_TABLE.find((c) => c.id === id);
  if (!spec) throw new Error(`unknown command ${id}`);
  return spec;
}

/** The accelerator of a command on a platform (`darwin`, `linux`, `win32`). */
export function acceleratorOf(spec: CommandSpec, platform: string): string | undefined {
  const a = spec.accelerator;
  if (a === undefined || typeof a === 'string') return a;
  return platform === 'darwin' ? a.mac : a.other;
}

/** Electron accelerator -> the renderer's key notation (`CmdOrCtrl+Shift+L` -> `Mod+Shift+KeyL`). */
export function acceleratorToKey(accelerator: string): string {
  return accelerator
    .split('+')
    .map((part) => {
      if (part === 'CmdOrCtrl' || part === 'Cmd' || part === 'Ctrl') return 'Mod';
      if (/^[A-Z]$/.test(part)) return `Key${part}`;
      if (/^[0-9]$/.test(part)) return `Digit${part}`;
      return part;
    })
    .join('+');
}
