/**
 * Contender 4: Node-RED, installed by the bench into a scratch folder outside the repo (never a
 * project dependency) and run with a generated flow: `websocket in` -> `function` ->
 * `websocket out` for each scenario path.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

export const NODE_RED_VERSION_RANGE = '4';
export const NODE_RED_HOME = process.env.WSFLOW_BENCH_NODE_RED_DIR ?? join(homedir(), '.cache', 'wsflow-bench', 'node-red');

const run = promisify(execFile);

/** The version installed in the scratch folder, if any. */
export function installedNodeRedVersion(): string | undefined {
  const pkg = join(NODE_RED_HOME, 'node_modules', 'node-red', 'package.json');
  if (!existsSync(pkg)) return undefined;
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
}

/** Install node-red@4 once into the scratch folder; returns its version. */
export async function ensureNodeRed(log: (line: string) => void): Promise<string> {
  const have = installedNodeRedVersion();
  if (have) return have;
  mkdirSync(NODE_RED_HOME, { recursive: true });
  const pkg = join(NODE_RED_HOME, 'package.json');
  if (!existsSync(pkg)) writeFileSync(pkg, '{ "name": "wsflow-bench-node-red", "private": true }\n');
  log(`installing node-red@${NODE_RED_VERSION_RANGE} into ${NODE_RED_HOME} (once)...`);
  await run('npm', ['install', '--no-audit', '--no-fund', '--omit=optional', `node-red@${NODE_RED_VERSION_RANGE}`], {
    cwd: NODE_RED_HOME,
    timeout: 300_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  const version = installedNodeRedVersion();
  if (!version) throw new Error(`npm install node-red@${NODE_RED_VERSION_RANGE} finished but node-red is missing`);
  return version;
}

/** The function-node bodies: the same work as the raw server and the wsflow snippets. */
const FUNCTIONS: Record<string, string> = {
  '/chat': 'return msg;',
  // Without `_session`, `websocket out` sends to every client of its listener.
  '/fan': 'delete msg._session;\nreturn msg;',
  '/json': [
    'const m = JSON.parse(msg.payload);',
    'let total = 0;',
    'for (const x of m.items) total += x;',
    'msg.payload = JSON.stringify({ id: m.id, user: m.user.toUpperCase(), total, count: m.items.length });',
    'return msg;',
  ].join('\n'),
};

export function nodeRedFlows(): unknown[] {
  const nodes: unknown[] = [{ id: 'bench-tab', type: 'tab', label: 'wsflow bench', disabled: false }];
  for (const [path, func] of Object.entries(FUNCTIONS)) {
    const key = path.slice(1);
    nodes.push(
      { id: `listener-${key}`, type: 'websocket-listener', path, wholemsg: 'false' },
      { id: `in-${key}`, type: 'websocket in', z: 'bench-tab', name: '', server: `listener-${key}`, client: '', x: 100, y: 100, wires: [[`fn-${key}`]] },
      { id: `fn-${key}`, type: 'function', z: 'bench-tab', name: key, func, outputs: 1, timeout: 0, noerr: 0, initialize: '', finalize: '', libs: [], x: 300, y: 100, wires: [[`out-${key}`]] },
      { id: `out-${key}`, type: 'websocket out', z: 'bench-tab', name: '', server: `listener-${key}`, client: '', x: 500, y: 100, wires: [] },
    );
  }
  return nodes;
}

/** A user dir with flows.json and settings.js for one run on `port`. */
export function writeNodeRedUserDir(port: number): { userDir: string; settings: string } {
  const userDir = mkdtempSync(join(tmpdir(), 'wsflow-bench-nr-'));
  writeFileSync(join(userDir, 'flows.json'), JSON.stringify(nodeRedFlows(), null, 2));
  const settings = join(userDir, 'settings.js');
  const config = {
    uiPort: port,
    uiHost: '127.0.0.1',
    userDir,
    flowFile: 'flows.json',
    credentialSecret: false,
    // No editor or admin API: only the flow's websocket listeners are served.
    httpAdminRoot: false,
    diagnostics: { enabled: false, ui: false },
    runtimeState: { enabled: false, ui: false },
    telemetry: { enabled: false, updateNotification: false },
    logging: { console: { level: 'info', metrics: false, audit: false } },
    functionExternalModules: false,
  };
  writeFileSync(settings, `module.exports = ${JSON.stringify(config, null, 2)};\n`);
  return { userDir, settings };
}

export function nodeRedCommand(settings: string, userDir: string): { command: string; args: string[] } {
  return {
    command: process.execPath,
    args: [join(NODE_RED_HOME, 'node_modules', 'node-red', 'red.js'), '--settings', settings, '--userDir', userDir],
  };
}
