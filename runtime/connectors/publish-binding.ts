/** A binding that publishes every message the client sends (mqttOut, redisOut, ... wired from a service). */
import type { ClientLink } from '../engine/contracts.ts';
import type { Broker, PublishOptions } from './broker.ts';
import { ConnectorError } from './errors.ts';
import type { Binding, ConnectorTools } from './runtime-kind.ts';

export function publishBinding(link: ClientLink, nodeId: string, broker: Broker, topic: string, options: PublishOptions, tools: ConnectorTools): Binding {
  // A broker that is away fails every publish: reported once per connection, not once per message.
  let reported = false;
  const counts = tools.counts(nodeId);
  const published = () => {
    counts.out++;
  };
  return {
    fromClient(data, binary) {
      broker.publish(topic, binary ? data : data.toString('utf8'), options).then(published, (error: unknown) => {
        if (reported) return;
        reported = true;
        const code = error instanceof ConnectorError ? error.code : 'WSF_CONNECTOR_FAILED';
        tools.problem(nodeId, 'warn', code, `a message of connection ${link.num} was not published on '${topic}': ${error instanceof Error ? error.message : String(error)}`);
      });
    },
    closed: () => undefined,
  };
}
