import { defineKind } from '../node-kind.ts';
import { CHANNELS_SCHEMA } from '../channels.ts';

/** Its fields are nested documents (messages, limits): the inspector has its own form, the schema is written here. */
export default defineKind({
  id: 'service',
  title: 'Service',
  category: 'service',
  group: 'Entry',
  order: 2,
  icon: '◈',
  help: 'A WebSocket service: its connections, broadcast and state',
  fields: {},
  schema: {
    subprotocols: { type: 'array', items: { type: 'string', pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$" } },
    maxPayload: { type: 'integer', minimum: 1 },
    idleTimeoutMs: { type: 'integer', minimum: 0 },
    heartbeatMs: { type: 'integer', minimum: 0 },
    messages: {
      type: 'object',
      properties: {
        incoming: { type: 'array', items: { $ref: '#/definitions/messageSpec' } },
        outgoing: { type: 'array', items: { $ref: '#/definitions/messageSpec' } },
      },
    },
    validateIncoming: { type: 'boolean' },
    limits: { $ref: '#/definitions/limits' },
    compression: {
      oneOf: [
        { type: 'boolean' },
        { type: 'object', additionalProperties: false, properties: { threshold: { type: 'integer', minimum: 0 } } },
      ],
    },
    channels: CHANNELS_SCHEMA,
  },
});
