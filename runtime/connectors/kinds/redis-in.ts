import redisIn from '../../model/kinds/redis-in.ts';
import { renderTemplate } from '../../model/template.ts';
import { redisBroker } from '../redis.ts';
import { defineRuntime } from '../runtime-kind.ts';

/** A value from the client may not widen a pattern subscription. */
const noRedisPattern = (v: string) => (/[*?[\]]/.test(v) ? 'holds a Redis pattern character (*, ? or [)' : undefined);

export default defineRuntime(redisIn, {
  bind(link, node, scope, tools) {
    const broker = tools.broker('redis', renderTemplate(node.url, scope), node.id, redisBroker);
    const channel = renderTemplate(node.channel, scope, node.pattern ? noRedisPattern : undefined);
    const stop = tools.deliver(node.id, broker, link, channel, { pattern: node.pattern, as: node.as });
    return { closed: stop };
  },
});
