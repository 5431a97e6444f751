/**
 * electron-builder.yml against the JSON schema electron-builder ships (app-builder-lib's
 * scheme.json), plus the facts the schema cannot know: the files it names exist and the file
 * association covers `.wsflow.yaml`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);
const schema = JSON.parse(readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8')) as object;
const text = readFileSync(join(root, 'electron-builder.yml'), 'utf8');
const config = parse(text) as Record<string, any>;

// Compiling the schema takes seconds: once for the file.
const check = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true }).compile(schema);

function validate(candidate: unknown): string[] {
  return check(candidate) ? [] : (check.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}

function pngSize(path: string): { width: number; height: number } {
  const bytes = readFileSync(path);
  expect(bytes.subarray(1, 4).toString('ascii')).toBe('PNG');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('electron-builder.yml', () => {
  it('is valid against electron-builder\'s schema', () => {
    expect(validate(config)).toEqual([]);
  });

  it('the schema check can fail (a misspelt key and a wrong type are caught)', () => {
    expect(validate({ ...config, fileAsociations: [] }).length).toBeGreaterThan(0);
    expect(validate({ ...config, asar: 'yes please' }).length).toBeGreaterThan(0);
  });

  it('names the app and packages Linux AppImage + deb, macOS dmg, Windows nsis, inside asar', () => {
    expect(config['appId']).toBe('dev.wsflow.desktop');
    expect(config['productName']).toBe('wsflow');
    expect(config['asar']).toBe(true);
    expect(config['linux'].target).toEqual(['AppImage', 'deb']);
    expect(config['mac'].target).toEqual(['dmg']);
    expect(config['win'].target).toEqual(['nsis']);
  });

  it('associates .wsflow.yaml (and .wsflow.yml) with the app', () => {
    const exts = (config['fileAssociations'] as Array<{ ext: string; mimeType: string }>).map((a) => a.ext);
    expect(exts).toEqual(['wsflow.yaml', 'wsflow.yml']);
    for (const association of config['fileAssociations']) expect(association.mimeType).toBe('application/x-wsflow+yaml');
  });

  it('points at files that exist: the entry, the icons, the preload source', () => {
    const main = config['extraMetadata'].main as string;
    expect(existsSync(join(root, main))).toBe(true);
    expect(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).main).toBe(main);
    expect(config['files']).toContain('dist/electron/preload.cjs');
    expect(config['files']).toContain('dist/renderer/**/*');
    expect(existsSync(join(root, 'electron', 'preload.ts'))).toBe(true);
    for (const key of ['mac', 'win'] as const) {
      const size = pngSize(join(root, config[key].icon));
      expect(size.width).toBeGreaterThanOrEqual(512);
      expect(size.width).toBe(size.height);
    }
    expect(pngSize(join(root, config['linux'].icon, '512x512.png'))).toEqual({ width: 512, height: 512 });
    expect(pngSize(join(root, config['linux'].icon, '16x16.png'))).toEqual({ width: 16, height: 16 });
  });

  it('hardens the packaged binary with fuses', () => {
    expect(config['electronFuses']).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
    });
  });
});
