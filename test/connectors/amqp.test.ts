/**
 * amqpIn / amqpOut through the engine, in process, against a real RabbitMQ: the chain step (a
 * `message` template), the snippet API (ctx.amqp), an exchange the broker refuses to declare (the
 * held client is refused with 503, the reason on the node), a publish that fails at once when the
 * broker is away without the password in the report, and the checks of the fields.
 */
import { connect } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateFlowText } from '../../runtime/check/index.ts';
import { freePort } from '../helpers/net.ts';
import { startRabbitMq, type TestRabbit } from '../helpers/rabbitmq.ts';
import { useServedFlows } from '../helpers/served-flows.ts';
import { waitFor } from '../helpers/wait.ts';
import { TestClient } from '../helpers/ws-client.ts';

const { serve, pool } = useServedFlows();

const head = (name: string) => `wsflow: 1
name: ${name}
listener: { port: 9999 }
`;

describe('amqp connector', () => {
  let broker: TestRabbit;
  beforeAll(async () => {
    broker = await startRabbitMq();
  }, 90_000);
  afterAll(async () => {
    await broker.stop();
  }, 30_000);

  it('amqpOut as a chain step publishes its message template to the exchange, declared if missing', async () => {
    process.env.WSF_TEST_AMQP = broker.url;
    const conn = await connect(broker.url);
    try {
      const ch = await conn.createChannel();
      // The exchange does not exist yet: the peer's queue is bound once the flow declared it.
      const { queue } = await ch.assertQueue('', { exclusive: true });
      const { flow } = await serve(`${head('amqp-chain')}nodes:
  - { id: up, type: upgrader, basePath: /s, upgradePath: '/{id}' }
  - { id: svc, type: service }
  - { id: on-text, type: onText }
  - { id: pub, type: amqpOut, url: '\${env.WSF_TEST_AMQP}', exchange: chain-events, routingKey: 'devices.\${conn.params.id}', message: '{"v":\${JSON.stringify(text)}}' }
  - { id: ok, type: reply, message: 'published' }
edges:
  - { from: up, to: svc }
  - { from: svc, to: on-text }
  - { from: on-text, to: pub }
  - { from: pub, to: ok }
`);
      const client = await pool.connect(`${flow.url}/s/d1`);
      client.send('declare');
      expect(await client.nextText()).toBe('published');
      await ch.bindQueue(queue, 'chain-events', 'devices.*');
      const got: string[] = [];
      await ch.consume(queue, (m) => m && got.push(`${m.fields.routingKey} ${m.content.toString()}`), { noAck: true });
      client.send('x');
      expect(await client.nextText()).toBe('published');
      await waitFor('the message on the broker', () => got.includes('devices.d1 {"v":"x"}'));
    } finally {
      await conn.close();
    }
  });

  it('ctx.amqp(url) binds a connection with wildcards and publishes from a snippet', async () => {
    process.env.WSF_TEST_AMQP = broker.url;
    const { flow } = await serve(`${head('amqp-snippet')}nodes:
  - { id: up, type: upgrader, basePath: /n }
  - { id: svc, type: service }
  - id: open
    type: onOpen
    code: |
      export default async function onOpen(conn: Connection, ctx: ServiceContext) {
        await ctx.amqp(ctx.env.WSF_TEST_AMQP ?? '').subscribe(conn, 'snippet-events', 'feed.#');
        conn.send('subscribed');
      }
  - id: text
    type: onText
    code: |
      export default async function onText(conn: Connection, text: string, ctx: ServiceContext) {
        await ctx.amqp(ctx.env.WSF_TEST_AMQP ?? '').publish('snippet-events', 'feed.echo.' + text, { said: text });
      }
edges:
  - { from: up, to: svc }
  - { from: svc, to: open }
  - { from: svc, to: text }
`);
    const client = await pool.connect(`${flow.url}/n`);
    expect(await client.nextText()).toBe('subscribed');
    // subscribe() resolves when asked, the binding follows: send until the echo comes back.
    const echo = await waitFor('the echo through the exchange', async () => {
      client.send('a');
      try {
        return await client.nextText(300);
      } catch {
        return undefined;
      }
    }, 20_000);
    expect(JSON.parse(echo)).toEqual({ said: 'a' });
  });

  it('an exchange the broker refuses to declare (another type) refuses the held client with 503 and notes why on the node', async () => {
    process.env.WSF_TEST_AMQP = broker.url;
    const conn = await connect(broker.url);
    try {
      const ch = await conn.createChannel();
      await ch.assertExchange('direct-one', 'direct', { durable: false, autoDelete: false });
      const { flow, events } = await serve(`${head('amqp-refused')}nodes:
  - { id: up, type: upgrader, basePath: /k }
  - { id: svc, type: service }
  - { id: in, type: amqpIn, url: '\${env.WSF_TEST_AMQP}', exchange: direct-one, routingKey: 'a.b' }
edges:
  - { from: up, to: svc }
  - { from: svc, to: in }
`);
      const rejection = await TestClient.rejection(`${flow.url}/k`, { handshakeMs: 20_000 });
      expect(rejection.status).toBe(503);
      expect(rejection.body).toMatch(/refused to bind a queue to 'direct-one' with 'a\.b' \(.*PRECONDITION_FAILED.*\) \(WSF_AMQP_SUBSCRIBE\)/);
      const note = await waitFor('the refusal on the node', () => events.find((e) => e.kind === 'engine' && e.code === 'WSF_AMQP_SUBSCRIBE' && e.level === 'warn'));
      expect(note).toMatchObject({ nodeId: 'in' });
      await ch.deleteExchange('direct-one');
    } finally {
      await conn.close();
    }
  }, 40_000);

  it('a publish fails at once (after the grace) while the broker is away; the report names the node and never the password', async () => {
    const port = await freePort(); // nothing listens there
    process.env.WSF_TEST_AMQP = `amqp://user:s3cr3t@127.0.0.1:${port}`;
    const { flow, events } = await serve(`${head('amqp-away')}nodes:
  - { id: up, type: upgrader, basePath: /away }
  - { id: svc, type: service }
  - { id: out, type: amqpOut, url: '\${env.WSF_TEST_AMQP}', exchange: events, routingKey: nowhere }
edges:
  - { from: up, to: svc }
  - { from: svc, to: out }
`);
    const client = await pool.connect(`${flow.url}/away`);
    client.send('lost');
    const warn = await waitFor('the failed publish reported', () => events.find((e) => e.kind === 'engine' && e.code === 'WSF_AMQP_UNAVAILABLE' && e.level === 'warn'), 10_000);
    expect(warn).toMatchObject({ nodeId: 'out' });
    expect(JSON.stringify(events)).not.toContain('s3cr3t');
    expect(client.socket.readyState).toBe(client.socket.OPEN);
  });

  it('a wrong password is reported on the node (the broker refuses the login) without the password', async () => {
    process.env.WSF_TEST_AMQP = broker.url.replace('guest:guest', 'guest:wr0ng-s3cr3t');
    const { flow, events } = await serve(`${head('amqp-login')}nodes:
  - { id: up, type: upgrader, basePath: /login }
  - { id: svc, type: service }
  - { id: out, type: amqpOut, url: '\${env.WSF_TEST_AMQP}', exchange: events, routingKey: login }
edges:
  - { from: up, to: svc }
  - { from: svc, to: out }
`);
    const client = await pool.connect(`${flow.url}/login`);
    client.send('x');
    const refused = await waitFor('the refused login reported', () => events.find((e) => e.kind === 'engine' && e.code === 'WSF_AMQP_UNAVAILABLE' && e.level === 'error'), 15_000);
    expect(refused).toMatchObject({ nodeId: 'out', message: expect.stringMatching(/ACCESS.REFUSED/) });
    expect(JSON.stringify(events)).not.toContain('wr0ng-s3cr3t');
  });
});

describe('amqp fields', () => {
  const flow = (nodes: string) => `${head('amqp-check')}nodes:
  - { id: up, type: upgrader, basePath: /c }
  - { id: svc, type: service }
${nodes}
edges:
  - { from: up, to: svc }
  - { from: svc, to: n }
`;
  const problems = async (nodes: string) => (await validateFlowText(flow(nodes), 'f.wsflow.yaml', { typecheck: false })).problems.filter((p) => p.severity === 'error').map((p) => `${p.code} ${p.nodeId ?? ''} ${p.field ?? ''} ${p.message}`);

  it('refuses wildcards where amqpOut publishes and exchange names AMQP does not allow', async () => {
    expect(await problems("  - { id: n, type: amqpOut, url: 'amqp://h', exchange: events, routingKey: 'a.#' }")).toEqual([expect.stringMatching(/^WSF_CONNECTOR_FIELD_INVALID n routingKey .*wildcards \* or #/)]);
    expect(await problems("  - { id: n, type: amqpIn, url: 'amqp://h', exchange: 'amq.topic', routingKey: 'a.#' }")).toEqual([expect.stringMatching(/^WSF_CONNECTOR_FIELD_INVALID n exchange .*reserved/)]);
    expect(await problems("  - { id: n, type: amqpIn, url: 'amqp://h', exchange: 'my events', routingKey: 'a' }")).toEqual([expect.stringMatching(/^WSF_CONNECTOR_FIELD_INVALID n exchange /)]);
    expect(await problems("  - { id: n, type: amqpIn, url: 'amqp://h', exchange: events, routingKey: '*.b.#' }")).toEqual([]);
  });
});
