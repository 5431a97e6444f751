import { describe, expect, it } from 'vitest';
import { COMMAND_TABLE, DESKTOP_MENU_COMMANDS, type DesktopMenuCommand } from '../../electron/desktop-api.ts';
import { acceleratorToKey } from '../../runtime/studio/protocol.ts';
import { buildMenuTemplate, commandAccelerator, flattenMenu, hasModifier, toElectronTemplate, type MenuAction, type MenuEntry } from '../../electron/menu.ts';

const build = (platform: string, recentFiles: string[] = [], developerTools = false) =>
  buildMenuTemplate({ platform, appName: 'wsflow', recentFiles, developerTools });

function commandEntry(entries: MenuEntry[], command: DesktopMenuCommand): MenuEntry | undefined {
  return flattenMenu(entries).find((e) => e.action?.kind === 'command' && e.action.command === command);
}

describe('menu template', () => {
  it('has File, Edit, View, Run, Help on Windows and Linux, plus the app and Window menus on macOS', () => {
    expect(build('linux').map((m) => m.label)).toEqual(['&File', '&Edit', '&View', '&Run', '&Help']);
    expect(build('win32').map((m) => m.label)).toEqual(['&File', '&Edit', '&View', '&Run', '&Help']);
    const mac = build('darwin');
    expect(mac.map((m) => m.label ?? m.role)).toEqual(['wsflow', 'File', 'Edit', 'View', 'Run', 'windowMenu', 'Help']);
    expect(mac[0]?.submenu?.map((e) => e.role ?? e.label ?? e.type)).toEqual([
      'About wsflow', 'separator', 'services', 'separator', 'hide', 'hideOthers', 'unhide', 'separator', 'quit',
    ]);
  });

  it('reaches every command id from a menu item (macOS: text editing through native roles)', () => {
    for (const platform of ['win32', 'linux']) {
      const entries = build(platform);
      for (const command of DESKTOP_MENU_COMMANDS) expect(commandEntry(entries, command), `${platform} ${command}`).toBeDefined();
    }
    const mac = build('darwin');
    const nativeOnMac = ['edit.undo', 'edit.redo', 'edit.copy', 'edit.paste', 'edit.selectAll'];
    for (const command of DESKTOP_MENU_COMMANDS) {
      expect(commandEntry(mac, command) === undefined, command).toBe(nativeOnMac.includes(command));
    }
    const macEdit = mac.find((m) => m.label === 'Edit')?.submenu ?? [];
    expect(macEdit.map((e) => e.role ?? e.action?.kind ?? e.type)).toEqual(['undo', 'redo', 'separator', 'copy', 'paste', 'command', 'command', 'command', 'command', 'command', 'separator', 'selectAll', 'command', 'separator', 'command', 'command', 'separator', 'command']);
    expect(macEdit.find((e) => e.role === 'copy')).toMatchObject({ label: 'Copy', accelerator: 'CmdOrCtrl+C' });
    expect(macEdit.find((e) => e.role === 'redo')?.accelerator).toBe('Cmd+Shift+Z');
  });

  it('lists File items in order: New, Open, Open Recent, Save, Save As, Export, Import AsyncAPI, Quit', () => {
    const labels = (build('linux')[0]?.submenu ?? []).filter((e) => e.type !== 'separator').map((e) => e.label);
    expect(labels).toEqual(['&New flow', '&Open…', 'Open &Recent', '&Save', 'Save &as…', '&Export…', '&Import AsyncAPI…', '&Quit']);
    expect(flattenMenu(build('win32')).find((e) => e.role === 'quit')?.label).toBe('E&xit');
    // macOS quits from the app menu only, and has no mnemonics.
    expect(flattenMenu(build('darwin')[1]?.submenu ?? []).some((e) => e.role === 'quit')).toBe(false);
    expect(flattenMenu(build('darwin')).every((e) => !e.label?.includes('&'))).toBe(true);
  });

  it('uses CmdOrCtrl accelerators and the platform redo key', () => {
    expect(commandEntry(build('linux'), 'file.save')?.accelerator).toBe('CmdOrCtrl+S');
    expect(commandEntry(build('darwin'), 'file.saveAs')?.accelerator).toBe('CmdOrCtrl+Shift+S');
    expect(commandEntry(build('win32'), 'edit.redo')?.accelerator).toBe('Ctrl+Y');
    expect(commandEntry(build('linux'), 'run.start')?.accelerator).toBe('F5');
    expect(commandEntry(build('linux'), 'run.stop')?.accelerator).toBe('Shift+F5');
  });

  it('never registers edit keys or bare keys, so typing in Monaco is not stolen by the menu', () => {
    const linux = build('linux');
    for (const command of ['edit.copy', 'edit.paste', 'edit.undo', 'edit.delete', 'view.fitView'] as const) {
      expect(commandEntry(linux, command)?.registerAccelerator, command).toBe(false);
    }
    expect(commandEntry(linux, 'file.save')?.registerAccelerator).toBeUndefined();
    // macOS cannot unregister a key equivalent: bare keys are left out of the menu there.
    expect(commandEntry(build('darwin'), 'view.fitView')?.accelerator).toBeUndefined();
    expect(commandEntry(build('darwin'), 'edit.delete')?.accelerator).toBeUndefined();
    // Option+T types a character on macOS; the shortcut stays with the page there.
    expect(commandEntry(build('darwin'), 'view.toggleTheme')?.accelerator).toBeUndefined();
    expect(commandEntry(build('linux'), 'view.toggleTheme')?.accelerator).toBe('Alt+T');
    expect(commandEntry(build('darwin'), 'run.stop')?.accelerator).toBe('Shift+F5');
    expect(hasModifier('Shift+1')).toBe(false);
    expect(hasModifier('Delete')).toBe(false);
    expect(hasModifier('Shift+F5')).toBe(true);
    expect(hasModifier('CmdOrCtrl+Z')).toBe(true);
  });

  it('has no accelerator used twice on one platform', () => {
    for (const platform of ['darwin', 'win32', 'linux']) {
      const accelerators = flattenMenu(build(platform)).map((e) => e.accelerator).filter((a) => a !== undefined);
      expect(new Set(accelerators).size, platform).toBe(accelerators.length);
    }
    for (const command of DESKTOP_MENU_COMMANDS.filter((c) => c !== 'help.shortcuts')) expect(commandAccelerator(command, 'linux')).toBeTruthy();
  });

  it('lists recent files (escaping & on Windows and Linux) and disables Clear when empty', () => {
    const recent = build('linux', ['/home/a/R&D/chat.wsflow.yaml', '/tmp/echo.wsflow.yaml']);
    const submenu = flattenMenu(recent).find((e) => e.label === 'Open &Recent')?.submenu ?? [];
    expect(submenu.map((e) => e.label ?? e.type)).toEqual([
      '/home/a/R&&D/chat.wsflow.yaml', '/tmp/echo.wsflow.yaml', 'separator', '&Clear Recent',
    ]);
    expect(submenu[0]?.action).toEqual({ kind: 'openRecent', path: '/home/a/R&D/chat.wsflow.yaml' });
    const mac = flattenMenu(build('darwin', ['/Users/a/chat.wsflow.yaml'])).find((e) => e.label === 'Open Recent');
    expect(mac?.submenu?.[0]?.label).toBe('chat.wsflow.yaml');
    const empty = flattenMenu(build('linux')).find((e) => e.label === 'Open &Recent')?.submenu ?? [];
    expect(empty[0]).toEqual({ label: 'No Recent Files', enabled: false });
    expect(empty.at(-1)?.enabled).toBe(false);
  });

  it('shows developer tools only when asked', () => {
    expect(flattenMenu(build('linux', [], false)).some((e) => e.role === 'toggleDevTools')).toBe(false);
    expect(flattenMenu(build('linux', [], true)).some((e) => e.role === 'toggleDevTools')).toBe(true);
  });

  it('turns entries into an Electron template whose clicks report the action', () => {
    const actions: MenuAction[] = [];
    const template = toElectronTemplate(build('linux', ['/tmp/a.wsflow.yaml']), (a) => actions.push(a));
    const items = (function flat(list: typeof template): typeof template {
      return list.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? flat(i.submenu) : [])]);
    })(template);
    // The shell's actions ignore Electron's (menuItem, window, event) arguments.
    const click = (label: string) => (items.find((i) => i.label === label) as { click?: () => void } | undefined)?.click?.();
    click('&Save');
    click('/tmp/a.wsflow.yaml');
    click('&About wsflow');
    expect(actions).toEqual([
      { kind: 'command', command: 'file.save' },
      { kind: 'openRecent', path: '/tmp/a.wsflow.yaml' },
      { kind: 'about' },
    ]);
    expect(items.find((i) => i.label === '&Copy')).toMatchObject({ accelerator: 'CmdOrCtrl+C', registerAccelerator: false });
    expect(items.filter((i) => i.role === 'quit')).toHaveLength(1);
  });
});

describe('menu shortcuts and the renderer', () => {
  it('shows, for every command, a shortcut that the renderer really handles (one table)', () => {
    expect(COMMAND_TABLE.map((c) => c.id)).toEqual([...DESKTOP_MENU_COMMANDS]);
    for (const platform of ['linux', 'darwin', 'win32']) {
      for (const spec of COMMAND_TABLE) {
        const accelerator = commandAccelerator(spec.id, platform);
        if (accelerator === undefined) continue;
        expect(spec.keys as readonly string[], `${platform} ${spec.id}: ${accelerator}`).toContain(acceleratorToKey(accelerator));
      }
    }
  });

  it('gives every key to one command only', () => {
    const keys = COMMAND_TABLE.flatMap((c) => c.keys as readonly string[]);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
