/**
 * The DesktopApi contract lives in the studio protocol (`runtime/studio/protocol.ts`, the one file
 * the renderer may import); this module re-exports it for the shell.
 */
export {
  DESKTOP_CHANNELS,
  DESKTOP_MENU_COMMANDS,
  isDesktopMenuCommand,
  type DesktopApi,
  type DesktopChannel,
  type DesktopMenuCommand,
  type DocumentState,
} from '../runtime/studio/protocol.ts';
export { acceleratorOf, COMMAND_TABLE, commandSpec, type CommandSpec, type MenuName } from '../runtime/studio/protocol.ts';
