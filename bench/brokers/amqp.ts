/** AMQP for the broker fan-out: a throw-away RabbitMQ, samples/amqp-bridge.wsflow.yaml. */
import amqp from 'amqplib';
import { startRabbitMq } from '../../test/helpers/rabbitmq.ts';
import type { BrokerAdapter } from './types.ts';

/** The sample's topic exchange (samples/amqp-bridge.wsflow.yaml), declared as its connector declares it. */
export const AMQP_EXCHANGE = 'events';

export const amqpBroker: BrokerAdapter = {
  id: 'amqp',
  label: 'AMQP (rabbitmq-server)',
  sample: 'samples/amqp-bridge.wsflow.yaml',
  envVar: 'AMQP_URL',
  pathPrefix: '/keys/',
  handBridge: 'bench/brokers/amqp-hand-bridge.mjs',
  startBroker: startRabbitMq,
  async connectPublisher(url) {
    const conn = await amqp.connect(url);
    const ch = await conn.createChannel();
    // Publishing to an exchange nobody declared yet closes the channel: declare it the same way.
    await ch.assertExchange(AMQP_EXCHANGE, 'topic', { durable: true });
    return {
      publish: async (key, text) => void ch.publish(AMQP_EXCHANGE, key, Buffer.from(text)),
      close: async () => {
        await ch.close();
        await conn.close();
      },
    };
  },
};
