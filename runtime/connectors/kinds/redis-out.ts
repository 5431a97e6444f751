import redisOut from '../../model/kinds/redis-out.ts';
import { renderTemplate } from '../../model/template.ts';
import { publishBinding } from '../publish-binding.ts';
import { redisBroker } from '../redis.ts';
import { defineRuntime } from '../runtime-kind.ts';

export default defineRuntime(redisOut, {
  bind(link, node, scope, tools) {
    const broker = tools.broker('redis', renderTemplate(node.url, scope), node.id, redisBroker);
    return publishBinding(link, node.id, broker, renderTemplate(node.channel, scope), {}, tools);
  },
});
