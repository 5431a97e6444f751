// The hand-written reference: nats + ws, what a team writes without wsflow. One server connection,
// one subscription per subject, every message to every client of the subject.
import { connect } from 'nats';
import { WebSocketServer } from 'ws';
import { createServer } from 'node:http';

const nc = await connect({ servers: process.env.NATS_URL, maxReconnectAttempts: -1, reconnectTimeWait: 250 });
const clients = new Map(); // subject -> Set<ws>
const server = createServer((_req, res) => res.writeHead(426).end());
const wss = new WebSocketServer({ server, perMessageDeflate: false });
wss.on('connection', (ws, req) => {
  const subject = decodeURIComponent((req.url ?? '').replace(/^\/subjects\//, ''));
  let set = clients.get(subject);
  if (!set) {
    clients.set(subject, (set = new Set()));
    const to = set;
    nc.subscribe(subject, {
      callback: (_err, msg) => {
        // One buffer for every client, sent as a text frame (the payload is the publisher's UTF-8).
        const data = Buffer.from(msg.data.buffer, msg.data.byteOffset, msg.data.byteLength);
        for (const client of to) client.send(data, { binary: false });
      },
    });
  }
  set.add(ws);
  ws.on('message', (data) => nc.publish(subject, data));
  ws.on('close', () => set.delete(ws));
});
server.listen(0, '127.0.0.1', () => console.log(`hand bridge ws://127.0.0.1:${server.address().port}`));
