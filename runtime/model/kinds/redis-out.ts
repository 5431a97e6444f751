import { REDIS, eventPayload, urlField } from '../kind-helpers.ts';
import { CONNECTION_EVENTS, NEXT, defineKind } from '../node-kind.ts';

export default defineKind({
  id: 'redisOut',
  title: 'Redis publish',
  category: 'connector',
  group: 'Integration',
  order: 6,
  icon: '⇡',
  baseId: 'redis-out',
  help: 'Publishes on a Redis pub/sub channel. Wired from a service instead of a chain, it publishes every message of every connection.',
  fields: {
    url: urlField('redis:// or rediss://', '${env.REDIS_URL}'),
    channel: { kind: 'template', required: true, help: 'Channel, a template.' },
    message: { kind: 'template', roles: ['chain'], help: 'In a chain: what to publish, a template (default: the text, or the bytes of a binary message).' },
  },
  ports: [NEXT],
  chain: CONNECTION_EVENTS,
  binding: true,
  summary: ['channel'],
  composeBroker: REDIS,
  defaults: { url: '${env.REDIS_URL}', channel: '${conn.params.channel}' },
  isAsync: () => true,
  emit(e) {
    e.line(`${e.await}${e.ctx}.redis(`, e.t('url'), ').publish(', e.t('channel'), ', ', e.has('message') ? e.t('message') : eventPayload(e), ');');
  },
});
