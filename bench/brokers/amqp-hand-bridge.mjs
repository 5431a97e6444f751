// The hand-written reference: amqplib + ws, what a team writes without wsflow. One connection,
// one channel, one exclusive queue bound to the topic exchange per routing key, every message to
// every client of the key. amqplib does not reconnect by itself: on a lost connection this
// process exits and its supervisor restarts it, the usual minimal production setup.
import amqp from 'amqplib';
import { WebSocketServer } from 'ws';
import { createServer } from 'node:http';

const EXCHANGE = 'events'; // as samples/amqp-bridge.wsflow.yaml
const conn = await amqp.connect(process.env.AMQP_URL);
conn.on('close', () => process.exit(1));
const ch = await conn.createChannel();
await ch.assertExchange(EXCHANGE, 'topic', { durable: true });
const clients = new Map(); // routing key -> Set<ws>
const server = createServer((_req, res) => res.writeHead(426).end());
const wss = new WebSocketServer({ server, perMessageDeflate: false });
wss.on('connection', (ws, req) => {
  const key = decodeURIComponent((req.url ?? '').replace(/^\/keys\//, ''));
  let set = clients.get(key);
  if (!set) {
    clients.set(key, (set = new Set()));
    const to = set;
    void (async () => {
      const { queue } = await ch.assertQueue('', { exclusive: true, autoDelete: true, durable: false });
      await ch.bindQueue(queue, EXCHANGE, key);
      await ch.consume(queue, (msg) => {
        if (!msg) return;
        for (const client of to) client.send(msg.content, { binary: false });
      }, { noAck: true });
    })();
  }
  set.add(ws);
  ws.on('message', (data) => ch.publish(EXCHANGE, key, Buffer.from(data)));
  ws.on('close', () => set.delete(ws));
});
server.listen(0, '127.0.0.1', () => console.log(`hand bridge ws://127.0.0.1:${server.address().port}`));
