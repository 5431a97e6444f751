/**
 * The studio's Problems list and `wsflow validate` agree on every sample: the same problem codes
 * on the same nodes, `WSF_ENV_UNSET` included, given the same environment. The CLI runs as a
 * child process (`validate --json`), the studio answers over its protocol as the designer asks it
 * (full check with types). A value set for the session counts as set, as the environment would.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envVariables } from '../../runtime/model/connectors.ts';
import { parseFlow } from '../../runtime/model/parse.ts';
import type { Problem } from '../../runtime/model/types.ts';
import { startStudio, type StudioHandle } from '../../runtime/studio/server.ts';
import { REPO_ROOT, WSFLOW_BIN } from '../helpers/cli.ts';
import { ApiClient } from '../helpers/studio-api.ts';

type Env = Record<string, string | undefined>;

const SAMPLES = readdirSync(path.join(REPO_ROOT, 'samples'))
  .filter((f) => f.endsWith('.wsflow.yaml'))
  .sort();
const TEXTS = new Map(SAMPLES.map((f) => [f, readFileSync(path.join(REPO_ROOT, 'samples', f), 'utf8')]));
/** Every variable any sample reads: each environment below decides each of them explicitly. */
const NAMES = [...new Set(SAMPLES.flatMap((f) => envVariables(parseFlow(TEXTS.get(f) ?? '', f).flow ?? { wsflow: 1, name: f, listener: { port: 1 }, nodes: [], edges: [] })))].sort();

/** The machine's environment without any sample variable, plus `set`. */
function envWith(set: Record<string, string>): Env {
  const env: Env = { ...process.env };
  for (const name of NAMES) delete env[name];
  return { ...env, ...set };
}

/** `code nodeId` of each problem, sorted: what both sides must agree on. */
function keys(problems: readonly Pick<Problem, 'code' | 'nodeId'>[], withSeverity?: (p: Pick<Problem, 'severity'>) => string): string[] {
  return problems.map((p) => `${p.code} ${p.nodeId ?? '-'}${withSeverity ? ` ${withSeverity(p as Problem)}` : ''}`).sort();
}

interface CliResult {
  valid: boolean;
  files: { file: string; problems: Problem[] }[];
}

function cliValidate(env: Env, extra: string[] = []): Promise<Map<string, Problem[]>> {
  const files = SAMPLES.map((f) => `samples/${f}`);
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [WSFLOW_BIN, 'validate', '--json', ...extra, ...files], { cwd: REPO_ROOT, env, maxBuffer: 16 * 1024 * 1024, timeout: 120_000 }, (error, stdout, stderr) => {
      // Exit 2 (some file invalid) still prints the JSON; anything else is a failure of the test.
      if (error && error.code !== 2) {
        reject(new Error(`wsflow validate failed (${String(error.code)}): ${stderr}`));
        return;
      }
      try {
        const result = JSON.parse(stdout) as CliResult;
        resolve(new Map(result.files.map((r) => [path.basename(r.file), r.problems])));
      } catch {
        reject(new Error(`wsflow validate printed no JSON: ${stdout}\n${stderr}`));
      }
    });
  });
}

let dir: string;
const studios: { studio: StudioHandle; api: ApiClient }[] = [];

async function studioFor(options: Parameters<typeof startStudio>[0]): Promise<ApiClient> {
  const studio = await startStudio({ port: 0, root: path.join(REPO_ROOT, 'samples'), ...options });
  const api = await ApiClient.connect(studio);
  studios.push({ studio, api });
  return api;
}

async function studioProblems(api: ApiClient): Promise<Map<string, Problem[]>> {
  const out = new Map<string, Problem[]>();
  for (const file of SAMPLES) out.set(file, (await api.call('validate', { text: TEXTS.get(file) ?? '', path: file, typecheck: true })).problems);
  return out;
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'wsflow-parity-'));
});

afterAll(async () => {
  for (const { studio, api } of studios) {
    api.socket.close();
    await studio.close();
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('Problems in the studio and wsflow validate', () => {
  it('finds the variables the samples read (the test covers them)', () => {
    expect(SAMPLES.length).toBeGreaterThanOrEqual(8);
    expect(NAMES).toEqual(expect.arrayContaining(['BACKEND_URL', 'MQTT_URL']));
  });

  it('agree on every sample with no variable set: the same WSF_ENV_UNSET warnings', async () => {
    const env = envWith({});
    const [cli, studio] = await Promise.all([cliValidate(env), studioFor({ env }).then(studioProblems)]);
    for (const file of SAMPLES) {
      expect(keys(studio.get(file) ?? [], (p) => p.severity), file).toEqual(keys(cli.get(file) ?? [], (p) => p.severity));
    }
    expect(keys(studio.get('ws-proxy.wsflow.yaml') ?? [], (p) => p.severity)).toEqual(['WSF_ENV_UNSET backend warning']);
    expect((studio.get('mqtt-bridge.wsflow.yaml') ?? []).filter((p) => p.code === 'WSF_ENV_UNSET').length).toBeGreaterThan(0);
  });

  it('agree with --env-file and the real environment, one variable from each', async () => {
    const [fromFile, ...rest] = NAMES;
    const [fromEnv] = rest;
    const envFile = path.join(dir, 'dev.env');
    writeFileSync(envFile, `${fromFile}=ws://127.0.0.1:1/from-file\n`);
    const env = envWith(fromEnv ? { [fromEnv]: 'mqtt://127.0.0.1:1' } : {});
    const [cli, studio] = await Promise.all([
      cliValidate(env, ['--env-file', envFile]),
      studioFor({ env, envFile: { path: envFile, values: { [fromFile ?? 'X']: 'ws://127.0.0.1:1/from-file' } } }).then(studioProblems),
    ]);
    // With --env-file the CLI makes an unset variable an error (the file is the deployment's);
    // the designer keeps warnings, where a value can still be set for the session.
    for (const file of SAMPLES) expect(keys(studio.get(file) ?? []), file).toEqual(keys(cli.get(file) ?? []));
    const unset = NAMES.slice(2);
    const unsetHere = [...studio.values()].flat().filter((p) => p.code === 'WSF_ENV_UNSET');
    expect(unsetHere.every((p) => unset.some((name) => p.message.includes(`\${env.${name}}`)))).toBe(true);
  });

  it('agree once a value is set for the session: the warning is gone, as when the environment sets it', async () => {
    const api = await studioFor({ env: envWith({}) });
    for (const name of NAMES) await api.call('envSet', { name, value: `value-of-${name.toLowerCase()}` });
    const [cli, studio] = await Promise.all([cliValidate(envWith(Object.fromEntries(NAMES.map((n) => [n, `value-of-${n.toLowerCase()}`])))), studioProblems(api)]);
    for (const file of SAMPLES) expect(keys(studio.get(file) ?? [], (p) => p.severity), file).toEqual(keys(cli.get(file) ?? [], (p) => p.severity));
    expect([...studio.values()].flat().filter((p) => p.code === 'WSF_ENV_UNSET')).toEqual([]);
  });
});
