/**
 * Electronegativity over electron/: every finding must be listed, with a justification, in
 * docs/electronegativity.md, and every listed finding must still occur. A deliberately insecure
 * fixture proves the scan finds real problems (so a silent scanner cannot pass this test).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const run = promisify(execFile);

interface Finding {
  id: string;
  file: string;
  line: number;
  severity: string;
  description: string;
}

async function scan(dir: string): Promise<{ checks: number; issues: Finding[]; errors: unknown[] }> {
  const { stdout } = await run(process.execPath, [join(root, 'test', 'electron', 'run-electronegativity.cjs'), dir], {
    cwd: root,
    timeout: 90_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout) as { checks: number; issues: Finding[]; errors: unknown[] };
}

async function accepted(): Promise<Array<{ id: string; file: string; why: string }>> {
  const text = await readFile(join(root, 'docs', 'electronegativity.md'), 'utf8');
  const section = text.split('## Accepted findings')[1] ?? '';
  return [...section.matchAll(/^\| ([A-Z_]+) \| ([\w./-]+) \| (.+) \|$/gm)].map((m) => ({ id: m[1]!, file: m[2]!, why: m[3]!.trim() }));
}

describe('electronegativity', () => {
  it('finds nothing in electron/ beyond the justified findings of docs/electronegativity.md', async () => {
    const result = await scan(join(root, 'electron'));
    expect(result.checks).toBeGreaterThanOrEqual(40);
    expect(result.errors).toEqual([]);
    const list = await accepted();
    for (const entry of list) expect(entry.why.length, `${entry.id} justification`).toBeGreaterThan(40);
    const unexplained = result.issues
      .filter((issue) => !list.some((a) => a.id === issue.id && a.file === issue.file))
      .map((issue) => `${issue.file}:${issue.line} ${issue.id} (${issue.severity}): ${issue.description}`);
    expect(unexplained).toEqual([]);
    const stale = list.filter((a) => !result.issues.some((issue) => issue.id === a.id && issue.file === a.file));
    expect(stale).toEqual([]);
  }, 120_000);

  it('reports an insecure window, so the scan above can fail', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wsflow-eneg-'));
    try {
      await writeFile(
        join(dir, 'bad.ts'),
        `import { BrowserWindow, shell } from 'electron';
export function open(url: string) {
  const win = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false, webSecurity: false } });
  void win.loadURL('http://example.com/');
  void shell.openExternal(url);
}
`,
      );
      const ids = new Set((await scan(dir)).issues.map((issue) => issue.id));
      for (const id of ['CONTEXT_ISOLATION_JS_CHECK', 'SANDBOX_JS_CHECK', 'WEB_SECURITY_JS_CHECK', 'OPEN_EXTERNAL_JS_CHECK', 'LIMIT_NAVIGATION_GLOBAL_CHECK', 'PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK']) {
        expect(ids, id).toContain(id);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
