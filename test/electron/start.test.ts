/**
 * `npm start` and `npm run dist` as a user runs them: real child processes, a real studio on a
 * free loopback port, and (for the Electron path) a stand-in binary named by WSFLOW_ELECTRON that
 * records how it was launched.
 */
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIST_MESSAGE, FALLBACK_MESSAGE } from '../../electron/launch.ts';

const root = join(import.meta.dirname, '..', '..');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Environment without anything that would point start.mjs at an Electron binary; with no stand-in
 * binary given, WSFLOW_NO_ELECTRON keeps a machine that has Electron installed on the fallback.
 */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, WSFLOW_NO_ELECTRON: '1', ...extra };
  if (!extra['WSFLOW_ELECTRON']) delete env['WSFLOW_ELECTRON'];
  else delete env['WSFLOW_NO_ELECTRON'];
  delete env['ELECTRON_OVERRIDE_DIST_PATH'];
  delete env['WSFLOW_START_EXIT_AFTER_URL'];
  return env;
}

function runScript(script: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 90_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'bin', script), ...args], { cwd: root, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not finish in ${timeoutMs} ms:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const URL_LINE = /^wsflow studio: open (http:\/\/127\.0\.0\.1:(\d+)\/\?token=[\w-]+)$/;

describe('npm start without Electron', { timeout: 120_000 }, () => {
  it('says so in one sentence, starts the browser studio and prints its URL', async () => {
    const run = await runScript('start.mjs', ['--exit-after-url'], cleanEnv());
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(FALLBACK_MESSAGE);
    expect(lines[1]).toMatch(URL_LINE);
    expect(lines).toHaveLength(2);
    expect(run.code).toBe(0);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  }, 120_000);

  it('serves the designer at that URL until SIGTERM, then exits 0', async () => {
    const child = spawn(process.execPath, [join(root, 'bin', 'start.mjs'), '--no-open'], { cwd: root, env: cleanEnv() });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 90_000);
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const match = out.split('\n').map((l) => URL_LINE.exec(l)).find((m) => m);
          if (match?.[1]) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        });
      });
      const withToken = await fetch(url);
      expect(withToken.status).not.toBe(403);
      const withoutToken = await fetch(url.replace(/\?token=.*/, ''));
      expect(withoutToken.status).toBe(403);
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  }, 120_000);

  it('names a missing flow file in one line and exits 2', async () => {
    const run = await runScript('start.mjs', ['--exit-after-url', 'no/such.wsflow.yaml'], cleanEnv());
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n').filter((l) => !l.startsWith('studio:'))).toEqual([
      expect.stringContaining('no/such.wsflow.yaml'),
    ]);
  });
});

describe('npm start with Electron', { timeout: 120_000 }, () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wsflow-start-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('builds the sandboxed preload and launches the binary on the app with the file', async () => {
    const record = join(dir, 'argv.txt');
    const binary = join(dir, 'electron');
    await writeFile(binary, `#!/bin/sh\nprintf '%s\\n' "$@" > '${record}'\nexit 0\n`);
    await chmod(binary, 0o755);
    const run = await runScript('start.mjs', ['samples/echo.wsflow.yaml'], cleanEnv({ WSFLOW_ELECTRON: binary }));
    expect(run.stdout).not.toContain(FALLBACK_MESSAGE);
    expect(run.code).toBe(0);
    // Electron gets the app folder (package.json "main" -> electron/entry.mjs) and the file.
    expect((await readFile(record, 'utf8')).trim().split('\n')).toEqual([`${root}/`, 'samples/echo.wsflow.yaml']);
    const preload = await readFile(join(root, 'dist', 'electron', 'preload.cjs'), 'utf8');
    expect((await stat(join(root, 'dist', 'electron', 'preload.cjs'))).size).toBeGreaterThan(500);
    // A sandboxed preload may require nothing but electron.
    expect([...preload.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1])).toEqual(['electron']);
    expect(preload).toContain('exposeInMainWorld("wsflowDesktop"');
  });
});

describe('npm run dist without Electron', { timeout: 120_000 }, () => {
  it('refuses in one sentence and exits 1', async () => {
    const run = await runScript('dist.mjs', [], cleanEnv());
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(DIST_MESSAGE);
    expect(run.stdout).toBe('');
  });
});

describe('electron/entry.mjs', { timeout: 120_000 }, () => {
  it('loads the TypeScript main through tsx, keeps early open-file events, and quits when another instance runs', async () => {
    const run = await new Promise<Run>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', './test/electron/fixtures/electron-alias.mjs', 'electron/entry.mjs'], { cwd: root, env: cleanEnv() });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`entry.mjs did not exit: ${stdout} ${stderr}`));
      }, 90_000);
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout.trim())).toMatchObject({ lockRequested: true, earlyOpenFilePrevented: true, quit: true, name: 'wsflow' });
  });
});
