/**
 * natsIn / natsOut through the engine, in process, against a real nats-server: the chain step
 * (a `message` template), the snippet API (ctx.nats), queue groups, credentials from the URL that
 * never show in a report, a publish that fails at once when the server is away, and the checks of
 * the fields (located on the node and the field).
 */
import { connect, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateFlowText } from '../../runtime/check/index.ts';
import { startBrokerProcess, type BrokerProcess } from '../helpers/broker-process.ts';
import { NATS_SERVER, startNatsServer, type TestNats } from '../helpers/nats-server.ts';
import { freePort } from '../helpers/net.ts';
import { useServedFlows } from '../helpers/served-flows.ts';
import { nothingWithin, waitFor } from '../helpers/wait.ts';

const { serve, pool } = useServedFlows();

const head = (name: string) => `wsflow: 1
name: ${name}
listener: { port: 9999 }
`;

async function peer(url: string, subject: string): Promise<{ nc: NatsConnection; got: string[] }> {
  const nc = await connect({ servers: url });
  const got: string[] = [];
  nc.subscribe(subject, { callback: (_e, m) => got.push(`${m.subject} ${Buffer.from(m.data).toString()}`) });
  await nc.flush();
  return { nc, got };
}

describe('nats connector', () => {
  let server: TestNats;
  beforeAll(async () => {
    server = await startNatsServer();
  });
  afterAll(async () => {
    await server.stop();
  });

  it('natsOut as a chain step publishes its message template and goes on to the next step', async () => {
    process.env.WSF_TEST_NATS = server.url;
    const { flow } = await serve(`${head('nats-chain')}nodes:
  - { id: up, type: upgrader, basePath: /s, upgradePath: '/{id}' }
  - { id: svc, type: service }
  - { id: on-text, type: onText }
  - { id: pub, type: natsOut, url: '\${env.WSF_TEST_NATS}', subject: 'devices.\${conn.params.id}', message: '{"v":\${JSON.stringify(text)}}' }
  - { id: ok, type: reply, message: 'published' }
edges:
  - { from: up, to: svc }
  - { from: svc, to: on-text }
  - { from: on-text, to: pub }
  - { from: pub, to: ok }
`);
    const p = await peer(server.url, 'devices.*');
    try {
      const client = await pool.connect(`${flow.url}/s/d1`);
      client.send('x');
      // The first publish waits (briefly) for the flow's connection to come up: no retry needed.
      expect(await client.nextText()).toBe('published');
      await waitFor('the message on the server', () => p.got.includes('devices.d1 {"v":"x"}'));
    } finally {
      await p.nc.close();
    }
  });

  it('ctx.nats(url) subscribes a connection with wildcards and publishes from a snippet', async () => {
    process.env.WSF_TEST_NATS = server.url;
    const { flow } = await serve(`${head('nats-snippet')}nodes:
  - { id: up, type: upgrader, basePath: /n }
  - { id: svc, type: service }
  - id: open
    type: onOpen
    code: |
      export default async function onOpen(conn: Connection, ctx: ServiceContext) {
        await ctx.nats(ctx.env.WSF_TEST_NATS ?? '').subscribe(conn, 'feed.>');
        conn.send('subscribed');
      }
  - id: text
    type: onText
    code: |
      export default async function onText(conn: Connection, text: string, ctx: ServiceContext) {
        await ctx.nats(ctx.env.WSF_TEST_NATS ?? '').publish('feed.echo.' + text, { said: text });
      }
edges:
  - { from: up, to: svc }
  - { from: svc, to: open }
  - { from: svc, to: text }
`);
    const client = await pool.connect(`${flow.url}/n`);
    expect(await client.nextText()).toBe('subscribed');
    client.send('a');
    expect(JSON.parse(await client.nextText())).toEqual({ said: 'a' });
  });

  it('with a queue group, each message goes to one connection of the group', async () => {
    process.env.WSF_TEST_NATS = server.url;
    const { flow } = await serve(`${head('nats-queue')}nodes:
  - { id: up, type: upgrader, basePath: /jobs }
  - { id: svc, type: service }
  - { id: in, type: natsIn, url: '\${env.WSF_TEST_NATS}', subject: jobs, queue: workers }
edges:
  - { from: up, to: svc }
  - { from: svc, to: in }
`);
    const workers = await Promise.all([1, 2, 3].map(() => pool.connect(`${flow.url}/jobs`)));
    const got: string[][] = workers.map(() => []);
    workers.forEach((w, i) => w.socket.on('message', (data) => got[i]?.push(Buffer.isBuffer(data) ? data.toString('utf8') : '')));
    const nc = await connect({ servers: server.url });
    try {
      // A queue member is let in at once (it does not hold): publish until all three are in the group.
      await waitFor('every worker in the group', async () => {
        nc.publish('jobs', 'probe');
        await nc.flush();
        return got.every((g) => g.length > 0);
      }, 20_000, 50);
      for (let i = 0; i < 30; i++) nc.publish('jobs', `job ${i}`);
      await waitFor('every job taken', () => got.flat().filter((m) => m.startsWith('job ')).length === 30);
      // Nothing is delivered twice: a window is the only way to see that no copy follows.
      await nothingWithin('a job delivered twice', () => got.flat().filter((m) => m.startsWith('job ')).length > 30, 300);
      expect(new Set(got.flat().filter((m) => m.startsWith('job '))).size).toBe(30);
    } finally {
      await nc.close();
    }
  });

  it('a publish fails at once (after the grace) while the server is away; the report names the node and never the password', async () => {
    const port = await freePort(); // nothing listens there
    process.env.WSF_TEST_NATS = `nats://user:s3cr3t@127.0.0.1:${port}`;
    const { flow, events } = await serve(`${head('nats-away')}nodes:
  - { id: up, type: upgrader, basePath: /away }
  - { id: svc, type: service }
  - { id: out, type: natsOut, url: '\${env.WSF_TEST_NATS}', subject: nowhere }
edges:
  - { from: up, to: svc }
  - { from: svc, to: out }
`);
    const client = await pool.connect(`${flow.url}/away`);
    client.send('lost');
    const warn = await waitFor('the failed publish reported', () => events.find((e) => e.kind === 'engine' && e.code === 'WSF_NATS_UNAVAILABLE' && e.level === 'warn'), 10_000);
    expect(warn).toMatchObject({ nodeId: 'out' });
    expect(JSON.stringify(events)).not.toContain('s3cr3t');
    expect(client.socket.readyState).toBe(client.socket.OPEN);
  });

  describe('with credentials', () => {
    let secured: BrokerProcess;
    beforeAll(async () => {
      secured = await startBrokerProcess({ name: 'nats-auth', binary: NATS_SERVER, install: 'apt-get install nats-server', args: (port) => ['-a', '127.0.0.1', '-p', String(port), '--user', 'bridge', '--pass', 'p4ss-w0rd'] });
    });
    afterAll(async () => {
      await secured.stop();
    });

    it('takes user and password from the URL; a wrong password is reported without it', async () => {
      process.env.WSF_TEST_NATS = `nats://bridge:p4ss-w0rd@127.0.0.1:${secured.port}`;
      process.env.WSF_TEST_NATS_BAD = `nats://bridge:wrong-s3cr3t@127.0.0.1:${secured.port}`;
      const { flow, events } = await serve(`${head('nats-auth')}nodes:
  - { id: up, type: upgrader, basePath: /a, upgradePath: '/{s}' }
  - { id: svc, type: service }
  - { id: in, type: natsIn, url: '\${env.WSF_TEST_NATS}', subject: '\${conn.params.s}' }
  - { id: up2, type: upgrader, basePath: /bad }
  - { id: svc2, type: service }
  - { id: out2, type: natsOut, url: '\${env.WSF_TEST_NATS_BAD}', subject: x }
edges:
  - { from: up, to: svc }
  - { from: svc, to: in }
  - { from: up2, to: svc2 }
  - { from: svc2, to: out2 }
`);
      const client = await pool.connect(`${flow.url}/a/secret-room`);
      const nc = await connect({ servers: `127.0.0.1:${secured.port}`, user: 'bridge', pass: 'p4ss-w0rd' });
      try {
        nc.publish('secret-room', 'let in');
        expect(await client.nextText()).toBe('let in');
      } finally {
        await nc.close();
      }
      const bad = await pool.connect(`${flow.url}/bad`);
      bad.send('x');
      await waitFor('the refused connection reported', () => events.find((e) => e.kind === 'engine' && e.code === 'WSF_NATS_UNAVAILABLE' && e.nodeId === 'out2'), 10_000);
      const text = JSON.stringify(events);
      expect(text).not.toContain('wrong-s3cr3t');
      expect(text).not.toContain('p4ss-w0rd');
    });
  });
});

describe('nats fields', () => {
  const flow = (nodes: string) => `${head('nats-check')}nodes:
  - { id: up, type: upgrader, basePath: /c }
  - { id: svc, type: service }
${nodes}
edges:
  - { from: up, to: svc }
  - { from: svc, to: n }
`;
  const problems = async (nodes: string) => (await validateFlowText(flow(nodes), 'f.wsflow.yaml', { typecheck: false })).problems.filter((p) => p.severity === 'error').map((p) => `${p.code} ${p.nodeId ?? ''} ${p.field ?? ''} ${p.message}`);

  it('refuses wildcards where natsOut publishes, misplaced wildcards and empty tokens where natsIn subscribes', async () => {
    expect(await problems("  - { id: n, type: natsOut, url: 'nats://h:4222', subject: 'a.*' }")).toEqual([expect.stringMatching(/^WSF_CONNECTOR_FIELD_INVALID n subject .*wildcards \* or >/)]);
    expect(await problems("  - { id: n, type: natsIn, url: 'nats://h:4222', subject: 'a.>.b' }")).toEqual([expect.stringMatching(/^WSF_CONNECTOR_FIELD_INVALID n subject .*'>' must be the last token/)]);
    expect(await problems("  - { id: n, type: natsIn, url: 'nats://h:4222', subject: 'a..b' }")).toEqual([expect.stringMatching(/^WSF_CONNECTOR_FIELD_INVALID n subject .*empty token/)]);
    expect(await problems("  - { id: n, type: natsIn, url: 'nats://h:4222', subject: 'a.*.>', queue: workers }")).toEqual([]);
  });
});
