// Contender 1: the hand-written `ws` server a person would write for the same three jobs, in
// plain JavaScript as the ws README shows it. Paths: /chat echo, /fan broadcast, /json snippet work,
// /fanz broadcast with permessage-deflate.
// Prints `ws://127.0.0.1:PORT` once listening (like `wsflow run`).
import { createServer } from 'node:http';
import { WebSocketServer, WebSocket } from 'ws';

const server = createServer((_req, res) => res.writeHead(404).end());
const wss = new WebSocketServer({ noServer: true });
// /fanz: the fan-out with permessage-deflate as ws does it (each send compressed per client),
// no context takeover either way like the engine's `compression`.
const wssDeflate = new WebSocketServer({ noServer: true, perMessageDeflate: { serverNoContextTakeover: true, clientNoContextTakeover: true } });
server.on('upgrade', (req, socket, head) => {
  const target = (req.url ?? '/').split('?')[0] === '/fanz' ? wssDeflate : wss;
  target.handleUpgrade(req, socket, head, (ws) => target.emit('connection', ws, req));
});
const fanz = new Set();
wssDeflate.on('connection', (ws) => {
  fanz.add(ws);
  ws.on('close', () => fanz.delete(ws));
  ws.on('message', (data, isBinary) => {
    for (const client of fanz) if (client.readyState === WebSocket.OPEN) client.send(data, { binary: isBinary });
  });
  ws.on('error', () => {});
});
const fan = new Set();

wss.on('connection', (ws, req) => {
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/chat') {
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  } else if (path === '/fan') {
    fan.add(ws);
    ws.on('close', () => fan.delete(ws));
    ws.on('message', (data, isBinary) => {
      for (const client of fan) if (client.readyState === WebSocket.OPEN) client.send(data, { binary: isBinary });
    });
  } else if (path === '/json') {
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString());
      let total = 0;
      for (const x of m.items) total += x;
      ws.send(JSON.stringify({ id: m.id, user: m.user.toUpperCase(), total, count: m.items.length }));
    });
  } else {
    ws.close(1008, 'unknown path');
  }
  ws.on('error', () => {});
});

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`raw ws listening on ws://127.0.0.1:${server.address().port}`);
});
const stop = () => {
  for (const ws of [...wss.clients, ...wssDeflate.clients]) ws.close(1001);
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
