import { urlField } from '../kind-helpers.ts';
import { defineKind } from '../node-kind.ts';

export default defineKind({
  id: 'wsBackend',
  title: 'WebSocket backend',
  category: 'connector',
  group: 'Integration',
  order: 2,
  icon: '⇆',
  baseId: 'ws-backend',
  help: 'Gives each client connection its own connection to a backend WebSocket: texts and binaries pass both ways, closes propagate, an unreachable backend closes the client with 1011.',
  fields: {
    url: urlField('ws:// or wss://', '${env.BACKEND_URL}'),
    headers: { kind: 'templateMap', help: 'Headers of the backend handshake; values are templates.' },
    subprotocols: { kind: 'textList', help: 'Subprotocols offered to the backend.' },
    connectTimeoutMs: { kind: 'integer', min: 1, max: 600_000, default: 10000, help: 'Handshake timeout in ms.' },
    // ws's own client default is 100 MiB per message: one backend could make the service buffer that much per connection.
    maxPayload: { kind: 'integer', min: 1, max: 256 * 1024 * 1024, default: 1048576, help: 'Largest message accepted from the backend, in bytes; a larger one closes the backend with 1009 and the client with 1011.' },
  },
  binding: true,
  onePerService: true,
  summary: ['url'],
  defaults: { url: '${env.BACKEND_URL}' },
  check(node, c) {
    const other = c.siblings[0];
    if (c.role === 'binding' && other !== undefined) {
      c.error('WSF_WS_BACKEND_DUPLICATE', `This service already has a wsBackend ('${other}'); a connection fronts one backend.`, 'id');
    }
  },
});
