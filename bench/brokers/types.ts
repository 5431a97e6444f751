/**
 * What the broker fan-out driver (fanout.ts) needs to know about one broker: how to start a
 * throw-away one, how to publish to it, which sample bridges it and which hand-written bridge it
 * is compared with. One small module per broker (mqtt.ts, nats.ts, amqp.ts) implements this.
 */
export type BrokerId = 'mqtt' | 'nats' | 'amqp';

export interface RunningBroker {
  url: string;
  stop(): Promise<void>;
}

export interface Publisher {
  /** Publishes `text` on `key` (MQTT topic, NATS subject, AMQP routing key of the sample's exchange). */
  publish(key: string, text: string): Promise<void>;
  close(): Promise<void>;
}

export interface BrokerAdapter {
  id: BrokerId;
  /** e.g. "NATS (nats-server)" */
  label: string;
  /** the sample that bridges this broker, from the repository root */
  sample: string;
  /** the environment variable the sample and the hand bridge read the broker's URL from */
  envVar: string;
  /** the sample's upgrade path up to the key, e.g. "/subjects/" */
  pathPrefix: string;
  /** the hand-written library + ws bridge, from the repository root */
  handBridge: string;
  startBroker(): Promise<RunningBroker>;
  connectPublisher(url: string): Promise<Publisher>;
}
