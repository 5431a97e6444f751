// The hand-written reference: mqtt + ws, what a team writes without wsflow. One broker connection,
// one subscription per topic, every message to every client of the topic.
import mqtt from 'mqtt';
import { WebSocketServer } from 'ws';
import { createServer } from 'node:http';

const broker = mqtt.connect(process.env.MQTT_URL, { reconnectPeriod: 250 });
const clients = new Map(); // topic -> Set<ws>
broker.on('message', (topic, payload) => {
  const set = clients.get(topic);
  if (!set) return;
  // One buffer for every client, sent as a text frame (the payload is the publisher's UTF-8).
  for (const ws of set) ws.send(payload, { binary: false });
});
const server = createServer((_req, res) => res.writeHead(426).end());
const wss = new WebSocketServer({ server, perMessageDeflate: false });
wss.on('connection', (ws, req) => {
  const topic = decodeURIComponent((req.url ?? '').replace(/^\/topics\//, ''));
  let set = clients.get(topic);
  if (!set) {
    clients.set(topic, (set = new Set()));
    broker.subscribe(topic, { qos: 1 });
  }
  set.add(ws);
  ws.on('message', (data) => broker.publish(topic, data, { qos: 1 }));
  ws.on('close', () => set.delete(ws));
});
server.listen(0, '127.0.0.1', () => console.log(`hand bridge ws://127.0.0.1:${server.address().port}`));
