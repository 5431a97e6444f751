/**
 * Whether this machine can run the desktop app: is the optional `electron` package installed
 * *with* its binary? Used by `npm start` (fall back to the browser studio) and `npm run dist`
 * (refuse to package). Plain Node, no Electron import.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export const FALLBACK_MESSAGE =
  'Electron is not installed on this machine (optional dependency); opening the designer in your browser instead.';

export const DIST_MESSAGE =
  'Packaging the desktop app needs a machine that can download Electron (run npm install there with network access to the Electron binary); nothing was packaged.';

export type ElectronProbe =
  | { available: true; binary: string; source: 'WSFLOW_ELECTRON' | 'ELECTRON_OVERRIDE_DIST_PATH' | 'package' }
  | { available: false; reason: string };

/** Where the `electron` package keeps its binary, relative to its `dist` folder (as its index.js does). */
export function electronExecutableName(platform: string): string {
  if (platform === 'darwin') return 'Electron.app/Contents/MacOS/Electron';
  if (platform === 'win32') return 'electron.exe';
  return 'electron';
}

export interface ProbeOptions {
  env: Record<string, string | undefined>;
  platform: string;
  /** The installed `electron` package folder, or undefined when it does not resolve. */
  packageDir: string | undefined;
  exists?: (path: string) => boolean;
  readText?: (path: string) => string | undefined;
}

function readTextOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * The Electron binary to launch. `WSFLOW_NO_ELECTRON=1` acts as if there were none (tests, and
 * machines where Electron is installed but the browser studio is wanted). Otherwise, in order:
 * `WSFLOW_ELECTRON` (an explicit binary), Electron's own
 * `ELECTRON_OVERRIDE_DIST_PATH`, then the installed package (its `path.txt` names the binary
 * inside `dist/`; both are missing when the download was skipped or failed).
 */
export function probeElectron(options: ProbeOptions): ElectronProbe {
  const exists = options.exists ?? existsSync;
  const readText = options.readText ?? readTextOrUndefined;
  if (options.env['WSFLOW_NO_ELECTRON'] === '1') return { available: false, reason: 'WSFLOW_NO_ELECTRON=1' };
  const explicit = options.env['WSFLOW_ELECTRON'];
  if (explicit) {
    return exists(explicit)
      ? { available: true, binary: explicit, source: 'WSFLOW_ELECTRON' }
      : { available: false, reason: `WSFLOW_ELECTRON names ${explicit}, which does not exist` };
  }
  const override = options.env['ELECTRON_OVERRIDE_DIST_PATH'];
  if (override) {
    const binary = join(override, electronExecutableName(options.platform));
    return exists(binary)
      ? { available: true, binary, source: 'ELECTRON_OVERRIDE_DIST_PATH' }
      : { available: false, reason: `ELECTRON_OVERRIDE_DIST_PATH has no ${electronExecutableName(options.platform)}` };
  }
  if (!options.packageDir) return { available: false, reason: 'the electron package is not installed' };
  const pathTxt = readText(join(options.packageDir, 'path.txt'))?.trim();
  if (!pathTxt) return { available: false, reason: 'the electron package is installed without its binary' };
  const binary = join(options.packageDir, 'dist', pathTxt);
  if (!exists(binary)) return { available: false, reason: `the electron binary ${binary} is missing` };
  return { available: true, binary, source: 'package' };
}

/** The folder of the `electron` package as Node resolves it from `fromDir`, if installed. */
export function findElectronPackage(fromDir: string): string | undefined {
  try {
    const require = createRequire(join(fromDir, 'noop.js'));
    return dirname(require.resolve('electron/package.json'));
  } catch {
    return undefined;
  }
}
