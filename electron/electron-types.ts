// The shell is typed by Electron's own electron.d.ts. This file is left only for menu.ts, which
// imports its item type from here and gives `role` as a plain string; the one command table
// (issue 15, designer part) moves menu.ts to `MenuItemConstructorOptions` from 'electron' with a
// typed role, and then this file is deleted.
import type { MenuItemConstructorOptions } from 'electron';

export type MenuItemOptions = Omit<MenuItemConstructorOptions, 'role' | 'submenu' | 'click'> & {
  role?: string;
  /** The shell's actions ignore Electron's (menuItem, window, event) arguments. */
  click?: () => void;
  submenu?: MenuItemOptions[];
};
