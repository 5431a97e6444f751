import natsOut from '../../model/kinds/nats-out.ts';
import { renderTemplate } from '../../model/template.ts';
import { natsBroker } from '../nats.ts';
import { publishBinding } from '../publish-binding.ts';
import { defineRuntime } from '../runtime-kind.ts';
import { noNatsWildcard } from './nats-in.ts';

export default defineRuntime(natsOut, {
  bind(link, node, scope, tools) {
    const broker = tools.broker('nats', renderTemplate(node.url, scope), node.id, natsBroker);
    return publishBinding(link, node.id, broker, renderTemplate(node.subject, scope, noNatsWildcard), {}, tools);
  },
});
