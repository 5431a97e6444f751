import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIST_MESSAGE, FALLBACK_MESSAGE, electronExecutableName, findElectronPackage, probeElectron } from '../../electron/launch.ts';

describe('Electron probe (npm start / npm run dist)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wsflow-probe-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function fakePackage(options: { pathTxt?: string; binary?: boolean }): Promise<string> {
    const pkg = join(dir, 'node_modules', 'electron');
    await mkdir(join(pkg, 'dist'), { recursive: true });
    await writeFile(join(pkg, 'package.json'), JSON.stringify({ name: 'electron', version: '41.10.7', main: 'index.js' }));
    if (options.pathTxt !== undefined) await writeFile(join(pkg, 'path.txt'), options.pathTxt);
    if (options.binary) {
      await writeFile(join(pkg, 'dist', 'electron'), '#!/bin/sh\n');
      await chmod(join(pkg, 'dist', 'electron'), 0o755);
    }
    return pkg;
  }

  it('reports a missing package', () => {
    expect(probeElectron({ env: {}, platform: 'linux', packageDir: undefined })).toEqual({
      available: false,
      reason: 'the electron package is not installed',
    });
  });

  it('reports a package installed with ELECTRON_SKIP_BINARY_DOWNLOAD (no path.txt)', async () => {
    const packageDir = await fakePackage({});
    expect(findElectronPackage(dir)).toBe(packageDir);
    expect(probeElectron({ env: {}, platform: 'linux', packageDir })).toEqual({
      available: false,
      reason: 'the electron package is installed without its binary',
    });
  });

  it('reports a path.txt whose binary is gone, and finds one that is there', async () => {
    const packageDir = await fakePackage({ pathTxt: 'electron' });
    expect(probeElectron({ env: {}, platform: 'linux', packageDir })).toMatchObject({ available: false });
    await fakePackage({ pathTxt: 'electron\n', binary: true });
    expect(probeElectron({ env: {}, platform: 'linux', packageDir })).toEqual({
      available: true,
      binary: join(packageDir, 'dist', 'electron'),
      source: 'package',
    });
  });

  it('honours WSFLOW_ELECTRON and ELECTRON_OVERRIDE_DIST_PATH before the package', async () => {
    const packageDir = await fakePackage({ pathTxt: 'electron', binary: true });
    const binary = join(packageDir, 'dist', 'electron');
    expect(probeElectron({ env: { WSFLOW_ELECTRON: binary }, platform: 'linux', packageDir: undefined })).toMatchObject({ available: true, source: 'WSFLOW_ELECTRON' });
    expect(probeElectron({ env: { WSFLOW_ELECTRON: join(dir, 'nope') }, platform: 'linux', packageDir })).toMatchObject({ available: false });
    expect(probeElectron({ env: { ELECTRON_OVERRIDE_DIST_PATH: join(packageDir, 'dist') }, platform: 'linux', packageDir: undefined })).toEqual({
      available: true,
      binary,
      source: 'ELECTRON_OVERRIDE_DIST_PATH',
    });
  });

  it('acts as if there were no Electron when WSFLOW_NO_ELECTRON=1', async () => {
    const packageDir = await fakePackage({ pathTxt: 'electron', binary: true });
    expect(probeElectron({ env: { WSFLOW_NO_ELECTRON: '1' }, platform: 'linux', packageDir })).toMatchObject({ available: false });
    expect(probeElectron({ env: { WSFLOW_NO_ELECTRON: '0' }, platform: 'linux', packageDir })).toMatchObject({ available: true });
  });

  it('knows the binary name per platform', () => {
    expect(electronExecutableName('linux')).toBe('electron');
    expect(electronExecutableName('win32')).toBe('electron.exe');
    expect(electronExecutableName('darwin')).toBe('Electron.app/Contents/MacOS/Electron');
  });

  it('says each failure in one sentence', () => {
    for (const message of [FALLBACK_MESSAGE, DIST_MESSAGE]) {
      expect(message.split(/(?<=[.;])\s/).filter((s) => s.endsWith('.'))).toHaveLength(1);
      expect(message).not.toContain('\n');
    }
  });
});
