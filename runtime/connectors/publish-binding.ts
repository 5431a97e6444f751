/**
 * A binding that publishes every message the client sends (mqttOut, redisOut, ... wired from a
 * service). At most once: a message the broker does not take is dropped, counted
 * (`wsflow_connector_dropped_total{node,reason}`) and traced (a failed outbound event each).
 * While the broker is away (`unavailable`) the client stays connected and its messages are
 * dropped; the node's state shows the outage. When the broker is connected but does not keep up
 * (the connection's outbound bound is full, or a publish is not taken in time) the client is
 * closed with 1013 (Try Again Later): nothing it sends could be published, and it is the only way
 * to tell a client that speaks its own protocol (docs/connectors/README.md, "Delivery").
 */
import type { ClientLink } from '../engine/contracts.ts';
import { dropReason } from './broker.ts';
import type { Broker, PublishOptions } from './broker.ts';
import { ConnectorError } from './errors.ts';
import { fitReason } from './ws-backend.ts';
import type { Binding, ConnectorTools } from './runtime-kind.ts';

/** The close code a client of a broker that cannot keep up gets (RFC 6455 registry: Try Again Later). */
export const BACKLOG_CLOSE_CODE = 1013;

export function publishBinding(link: ClientLink, nodeId: string, broker: Broker, topic: string, options: PublishOptions, tools: ConnectorTools): Binding {
  // A broker that is away fails every publish: reported once per connection, not once per message.
  let reported = false;
  const counts = tools.counts(nodeId);
  const published = () => {
    counts.out++;
  };
  return {
    fromClient(data, binary) {
      const t0 = performance.now();
      broker.publish(topic, binary ? data : data.toString('utf8'), options).then(published, (error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        tools.dropped(nodeId, error);
        tools.outbound(nodeId, broker.kind, `publish ${topic}`, t0, false, message, link.id);
        const reason = dropReason(error);
        if ((reason === 'backlog' || reason === 'timeout') && link.isOpen) link.close(BACKLOG_CLOSE_CODE, fitReason(`'${nodeId}' cannot publish now: ${reason}`));
        if (reported) return;
        reported = true;
        const code = error instanceof ConnectorError ? error.code : 'WSF_CONNECTOR_FAILED';
        tools.problem(nodeId, 'warn', code, `a message of connection ${link.num} was not published on '${topic}': ${message}`);
      });
    },
    closed: () => undefined,
  };
}
