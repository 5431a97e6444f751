/**
 * Credentials in URLs never reach a log: an `http` step whose URL carries a user name, a password
 * and a `token` query parameter fails, and neither `wsflow run`'s stderr (plain lines and --trace
 * JSON) nor the exported service's JSON log (with WSFLOW_TRACE=1) shows them. Real processes,
 * real sockets. Plus the redaction function itself, case by case.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseFlow } from '../../runtime/model/parse.ts';
import { redactUrl, scrubSecrets } from '../../runtime/model/redact.ts';
import { runFlow, type RunningProcess } from '../helpers/cli.ts';
import { waitFor } from '../helpers/wait.ts';
import { TestClient } from '../helpers/ws-client.ts';
import { exportToTemp, removeExport, startExported } from '../export/exported.ts';

const PASSWORD = 'hunter2-pass';
const TOKEN = 'tok-secret-1';
// Port 1 on loopback: nothing listens there, and undici refuses a URL with credentials before connecting anyway.
const SECRET_API = `http://apiuser:${PASSWORD}@127.0.0.1:1/x?a=1&token=${TOKEN}`;

const FLOW = `wsflow: 1
name: leaky
listener: { port: 9999 }
nodes:
  - { id: up, type: upgrader, basePath: /api }
  - { id: svc, type: service }
  - { id: on-text, type: onText }
  - id: call
    type: http
    url: \${env.SECRET_API}
  - { id: answer, type: reply, value: "'unreachable'" }
edges:
  - { from: up, to: svc }
  - { from: svc, to: on-text }
  - { from: on-text, to: call }
  - { from: call, to: answer }
`;

const dir = mkdtempSync(join(tmpdir(), 'wsflow-secrets-'));
const file = join(dir, 'leaky.wsflow.yaml');
writeFileSync(file, FLOW);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function expectClean(output: string): void {
  expect(output).not.toContain(PASSWORD);
  expect(output).not.toContain(TOKEN);
  expect(output).not.toContain('apiuser');
}

async function failOnce(proc: RunningProcess): Promise<void> {
  const client = await TestClient.connect(`${proc.url}/api`);
  try {
    client.send('go');
    await waitFor('the failed http step in the output', () => proc.output().includes('WSF_HTTP_FAILED'));
    // The outbound trace event follows the failure; wait for it too so the trace is checked.
    await waitFor('the outbound event', () => proc.output().includes('outbound'));
  } finally {
    await client.close();
  }
}

describe('credentials in URLs stay out of logs', () => {
  it('wsflow run: neither the plain lines nor --trace JSON show the password or the token', async () => {
    const proc = await runFlow(file, ['--trace'], { SECRET_API });
    try {
      await failOnce(proc);
      expect(proc.output()).toContain('http://***@127.0.0.1:1/x?a=1&token=***');
      expectClean(proc.output());
    } finally {
      await proc.stop();
    }
  });

  it('the exported service: its JSON log (WSFLOW_TRACE=1) shows neither', async () => {
    const parsed = parseFlow(FLOW, file);
    if (!parsed.flow) throw new Error('flow did not parse');
    const out = await exportToTemp(parsed.flow, 'secrets');
    try {
      const proc = await startExported(out, { SECRET_API, WSFLOW_TRACE: '1' });
      try {
        await failOnce(proc);
        expect(proc.output()).toContain('http://***@127.0.0.1:1/x?a=1&token=***');
        expectClean(proc.output());
      } finally {
        await proc.stop();
      }
    } finally {
      removeExport(out);
    }
  });
});

describe('redactUrl and scrubSecrets', () => {
  it.each([
    ['http://user:pass@host/x', 'http://***@host/x'],
    ['redis://:pw@host:6379/0', 'redis://***@host:6379/0'],
    ['https://TOKEN@github.com/a.git', 'https://***@github.com/a.git'],
    ['http://h/x?access_token=a&api_key=b&password=c&secret=d&keep=e', 'http://h/x?access_token=***&api_key=***&password=***&secret=***&keep=e'],
    ['http://h/x?X-Amz-Signature=s&client_secret=c', 'http://h/x?X-Amz-Signature=***&client_secret=***'],
    ['http://h/cb#access_token=t&state=s', 'http://h/cb#access_token=***&state=s'],
    ['http://h/plain?q=1', 'http://h/plain?q=1'],
    ['not a url ?token=x', 'not a url ?token=***'],
  ])('redactUrl(%s)', (input, expected) => {
    expect(redactUrl(input)).toBe(expected);
  });

  it('finds every URL in a message', () => {
    expect(scrubSecrets(`Request cannot be constructed from a URL that includes credentials: ${SECRET_API} (and ws://a:b@c/)`)).toBe(
      'Request cannot be constructed from a URL that includes credentials: http://***@127.0.0.1:1/x?a=1&token=*** (and ws://***@c/)',
    );
    expect(scrubSecrets('no url here')).toBe('no url here');
  });
});
