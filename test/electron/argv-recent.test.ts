import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findFlowFileArg, isFlowFileName } from '../../electron/argv.ts';
import { MAX_RECENT, RecentFiles, addRecent, parseRecent } from '../../electron/recent-files.ts';
import { ensureFlowExtension } from '../../electron/dialogs.ts';

describe('file association argv', () => {
  it('recognises flow files by name', () => {
    expect(isFlowFileName('chat.wsflow.yaml')).toBe(true);
    expect(isFlowFileName('C:\\flows\\Chat.WSFLOW.YML')).toBe(true);
    expect(isFlowFileName('chat.yaml')).toBe(false);
    expect(isFlowFileName('chat.wsflow.yaml.bak')).toBe(false);
  });

  it('picks the flow file among Electron, Chromium and app arguments', () => {
    expect(findFlowFileArg(['/opt/wsflow/wsflow', '--no-sandbox', '/home/a/chat.wsflow.yaml'], '/tmp')).toBe('/home/a/chat.wsflow.yaml');
    expect(findFlowFileArg(['/usr/bin/electron', '.', 'samples/echo.wsflow.yaml'], '/work/repo')).toBe('/work/repo/samples/echo.wsflow.yaml');
    expect(findFlowFileArg(['electron', '.', '--flag=x.wsflow.yaml'], '/w')).toBeUndefined();
    expect(findFlowFileArg(['wsflow', 'a.wsflow.yaml', 'b.wsflow.yml'], '/w')).toBe('/w/b.wsflow.yml');
    expect(findFlowFileArg(['wsflow'], '/w')).toBeUndefined();
    expect(findFlowFileArg(['wsflow', 'readme.md'], '/w')).toBeUndefined();
  });

  it('accepts file:// URLs from Linux desktop entries', () => {
    const url = pathToFileURL('/home/a/my flows/chat.wsflow.yaml').href;
    expect(url).toContain('%20');
    expect(findFlowFileArg(['wsflow', url], '/')).toBe('/home/a/my flows/chat.wsflow.yaml');
    expect(findFlowFileArg(['wsflow', 'file://remote-host/x.wsflow.yaml'], '/')).toBeUndefined();
  });

  it('gives saved files the .wsflow.yaml extension', () => {
    expect(ensureFlowExtension('/a/chat')).toBe('/a/chat.wsflow.yaml');
    expect(ensureFlowExtension('/a/chat.yaml')).toBe('/a/chat.wsflow.yaml');
    expect(ensureFlowExtension('/a/chat.YML')).toBe('/a/chat.wsflow.yaml');
    expect(ensureFlowExtension('/a/chat.wsflow.yml')).toBe('/a/chat.wsflow.yml');
    expect(ensureFlowExtension('/a/v1.2')).toBe('/a/v1.2.wsflow.yaml');
  });
});

describe('recent files', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wsflow-recent-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('moves a reopened file to the front and keeps at most MAX_RECENT', () => {
    let list: string[] = [];
    for (let i = 0; i < MAX_RECENT + 3; i++) list = addRecent(list, `/f/${i}.wsflow.yaml`, 'linux');
    expect(list).toHaveLength(MAX_RECENT);
    expect(list[0]).toBe(`/f/${MAX_RECENT + 2}.wsflow.yaml`);
    list = addRecent(list, '/f/5.wsflow.yaml', 'linux');
    expect(list[0]).toBe('/f/5.wsflow.yaml');
    expect(list.filter((p) => p === '/f/5.wsflow.yaml')).toHaveLength(1);
  });

  it('treats paths case-insensitively on macOS and Windows only', () => {
    expect(addRecent(['/A/x.wsflow.yaml'], '/a/X.wsflow.yaml', 'darwin')).toEqual(['/a/X.wsflow.yaml']);
    expect(addRecent(['/A/x.wsflow.yaml'], '/a/X.wsflow.yaml', 'linux')).toEqual(['/a/X.wsflow.yaml', '/A/x.wsflow.yaml']);
  });

  it('drops malformed, relative and duplicate entries from a stored list', () => {
    expect(parseRecent(['/a.wsflow.yaml', 'rel.wsflow.yaml', 3, '/a.wsflow.yaml', '/b\0.wsflow.yaml', '/c/../b.wsflow.yaml'], 'linux')).toEqual([
      '/a.wsflow.yaml',
      '/b.wsflow.yaml',
    ]);
    expect(parseRecent({ not: 'a list' })).toEqual([]);
  });

  it('persists across loads and forgets files that were deleted', async () => {
    const store = join(dir, 'recent-files.json');
    const a = join(dir, 'a.wsflow.yaml');
    const b = join(dir, 'b.wsflow.yaml');
    await writeFile(a, 'wsflow: 1\n');
    await writeFile(b, 'wsflow: 1\n');
    const first = await RecentFiles.load(store, 'linux');
    expect(first.get()).toEqual([]);
    await first.add(a);
    await first.add(b);
    await first.add('not/absolute.wsflow.yaml');
    expect(JSON.parse(await readFile(store, 'utf8'))).toEqual([b, a]);
    await rm(b);
    expect((await RecentFiles.load(store, 'linux')).get()).toEqual([a]);
    await first.clear();
    expect((await RecentFiles.load(store, 'linux')).get()).toEqual([]);
  });
});
