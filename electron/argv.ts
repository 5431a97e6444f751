/**
 * Which command-line argument is a flow file. Windows and Linux pass the file the user opened
 * from the OS (file association, "Open with") as an argument, to the first instance at launch and
 * to the `second-instance` event afterwards; Linux desktop entries may pass it as a file:// URL.
 */
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const FLOW_FILE = /\.wsflow\.ya?ml$/i;

/** True for names ending in `.wsflow.yaml` or `.wsflow.yml` (any case). */
export function isFlowFileName(path: string): boolean {
  return FLOW_FILE.test(path);
}

/**
 * The last argument that names a flow file, as an absolute path (relative paths resolve against
 * `cwd`, the directory the launching process ran in). Flags (`--x`, `-x`) and anything that is not
 * a flow file (Electron's own binary and app path, Chromium switches) are ignored.
 */
export function findFlowFileArg(argv: readonly string[], cwd: string): string | undefined {
  for (let i = argv.length - 1; i >= 0; i--) {
    const arg = argv[i];
    if (arg === undefined || arg.startsWith('-')) continue;
    const path = toPath(arg);
    if (path !== undefined && isFlowFileName(path)) return isAbsolute(path) ? path : resolve(cwd, path);
  }
  return undefined;
}

function toPath(arg: string): string | undefined {
  if (!/^file:/i.test(arg)) return arg;
  try {
    return fileURLToPath(arg);
  } catch {
    return undefined;
  }
}
