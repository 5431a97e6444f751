/**
 * A client's text in the log: it can neither forge a line of its own (a `wsflow: ... (WSF_...)`
 * line after a newline) nor make a line unbounded. `wsflow run` in text mode escapes control
 * characters and cuts long lines; with `--log-format json` (or WSFLOW_LOG_FORMAT=json) every
 * stderr line is one JSON object with a bounded message; the exported service's log is bounded
 * the same way. Real processes, real sockets.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { logFormatOption } from '../../runtime/cli/commands/run.ts';
import { MAX_LOG_TEXT_BYTES, cutText, escapeControls } from '../../runtime/model/log-text.ts';
import { parseFlow } from '../../runtime/model/parse.ts';
import { execCli, runFlow, type RunningProcess } from '../helpers/cli.ts';
import { waitFor } from '../helpers/wait.ts';
import { TestClient } from '../helpers/ws-client.ts';
import { exportToTemp, removeExport, startExported } from '../export/exported.ts';

const FLOW = `wsflow: 1
name: logger
listener: { port: 9999 }
nodes:
  - { id: up, type: upgrader, basePath: /log }
  - { id: svc, type: service }
  - { id: on-text, type: onText }
  - { id: say, type: log, message: "\${text}" }
  - { id: ack, type: reply, value: "'logged'" }
edges:
  - { from: up, to: svc }
  - { from: svc, to: on-text }
  - { from: on-text, to: say }
  - { from: say, to: ack }
`;
const FORGED = 'hello\nwsflow: forged (WSF_FORGED)\r\n\u001b[2Jcleared';
// 200 KB: far over the 8 KiB bound, well under the 1 MiB frame limit.
const HUGE = 'x'.repeat(200_000);

const dir = mkdtempSync(join(tmpdir(), 'wsflow-loglines-'));
const file = join(dir, 'logger.wsflow.yaml');
writeFileSync(file, FLOW);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Sends both texts and waits until both were logged (each is acknowledged after its log step). */
async function sendBoth(proc: RunningProcess): Promise<string[]> {
  const client = await TestClient.connect(`${proc.url}/log`);
  try {
    client.send(FORGED);
    expect(await client.nextText()).toBe('logged');
    client.send(HUGE);
    expect(await client.nextText()).toBe('logged');
    // N is the size of the whole text cut: the message, plus `[on-text] ` in text mode.
    await waitFor('the cut line', () => /\(cut, 2000\d\d bytes\)/.test(proc.output()));
    return proc.output().split('\n');
  } finally {
    await client.close();
  }
}

function expectBounded(lines: string[]): void {
  // The bound plus the line's own prefix and JSON fields (a --trace invoke line also lists the
  // chain's steps): about a kilobyte at most, far below the 200 KB message the client sent.
  for (const line of lines) expect(Buffer.byteLength(line)).toBeLessThan(MAX_LOG_TEXT_BYTES + 1024);
}

describe('wsflow run log lines', () => {
  it('text mode (with --trace): a newline in client text is escaped, never a line of its own; long lines are cut and marked', async () => {
    const proc = await runFlow(file, ['--trace']);
    try {
      const lines = await sendBoth(proc);
      expect(lines.some((l) => l.startsWith('wsflow: forged'))).toBe(false);
      expect(lines).toContain('[on-text] hello\\nwsflow: forged (WSF_FORGED)\\r\\n\\u001b[2Jcleared');
      expect(lines.some((l) => /^\[on-text\] x+… \(cut, 200010 bytes\)$/.test(l))).toBe(true);
      expectBounded(lines);
    } finally {
      await proc.stop();
    }
  });

  it('--log-format json: every stderr line is one JSON object; the text comes back intact, the long one cut', async () => {
    const proc = await runFlow(file, ['--log-format', 'json']);
    try {
      const lines = (await sendBoth(proc)).filter((l) => l !== '' && !l.includes('serving ws://'));
      const entries = lines.map((l) => JSON.parse(l) as { level: string; service: string; nodeId?: string; message: string });
      expect(entries).toContainEqual(expect.objectContaining({ level: 'info', service: 'logger', nodeId: 'on-text', message: FORGED }));
      expect(entries.some((e) => e.message.endsWith('… (cut, 200000 bytes)') && e.message.startsWith('xxx'))).toBe(true);
      expectBounded(lines);
    } finally {
      await proc.stop();
    }
  });

  it('WSFLOW_LOG_FORMAT=json does the same; the flag wins; anything else is bad input (exit 2)', async () => {
    expect(logFormatOption(undefined, { WSFLOW_LOG_FORMAT: 'json' })).toBe('json');
    expect(logFormatOption('text', { WSFLOW_LOG_FORMAT: 'json' })).toBe('text');
    expect(logFormatOption(undefined, {})).toBe('text');
    const proc = await runFlow(file, [], { WSFLOW_LOG_FORMAT: 'json' });
    try {
      const client = await TestClient.connect(`${proc.url}/log`);
      client.send('one');
      expect(await client.nextText()).toBe('logged');
      await client.close();
      await waitFor('the JSON log line', () => proc.output().includes('"message":"one"'));
    } finally {
      await proc.stop();
    }
    const bad = await execCli(['run', file, '--port', '0', '--log-format', 'xml']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--log-format must be text or json');
  });
});

describe('the exported service log', () => {
  it('bounds a long message the same way', async () => {
    const parsed = parseFlow(FLOW, file);
    if (!parsed.flow) throw new Error('flow did not parse');
    const out = await exportToTemp(parsed.flow, 'loglines');
    try {
      const proc = await startExported(out);
      try {
        const lines = (await sendBoth(proc)).filter((l) => l.startsWith('{'));
        expect(lines.map((l) => (JSON.parse(l) as { message: string }).message)).toContain(FORGED);
        expectBounded(lines);
      } finally {
        await proc.stop();
      }
    } finally {
      removeExport(out);
    }
  });
});

describe('log-text helpers', () => {
  it('escape controls and cut at a character boundary', () => {
    expect(escapeControls('a\nb\tc\u0000\u2028')).toBe('a\\nb\\tc\\u0000\\u2028');
    expect(cutText('ééé', 3)).toBe('é… (cut, 6 bytes)');
    expect(cutText('short', 3 * 5)).toBe('short');
  });
});
