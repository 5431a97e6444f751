import { REDIS, urlField } from '../kind-helpers.ts';
import { defineKind } from '../node-kind.ts';

export default defineKind({
  id: 'redisIn',
  title: 'Redis subscribe',
  category: 'connector',
  group: 'Integration',
  order: 5,
  icon: '⇣',
  baseId: 'redis-in',
  help: 'Subscribes each connection of the service to a Redis pub/sub channel (or pattern); every message goes to the client.',
  fields: {
    url: urlField('redis:// or rediss://', '${env.REDIS_URL}'),
    channel: { kind: 'template', required: true, help: 'Channel (or pattern when pattern is true).' },
    pattern: { kind: 'boolean', default: false, help: 'Subscribe with PSUBSCRIBE.' },
    as: { kind: 'enum', values: ['text', 'binary'], default: 'text', help: 'Frame type sent to the client.' },
  },
  binding: true,
  summary: ['channel'],
  composeBroker: REDIS,
  defaults: { url: '${env.REDIS_URL}', channel: '${conn.params.channel}' },
});
