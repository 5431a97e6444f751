/** NATS for the broker fan-out: a throw-away nats-server, samples/nats-bridge.wsflow.yaml. */
import { connect } from 'nats';
import { startNatsServer } from '../../test/helpers/nats-server.ts';
import type { BrokerAdapter } from './types.ts';

export const natsBroker: BrokerAdapter = {
  id: 'nats',
  label: 'NATS (nats-server)',
  sample: 'samples/nats-bridge.wsflow.yaml',
  envVar: 'NATS_URL',
  pathPrefix: '/subjects/',
  handBridge: 'bench/brokers/nats-hand-bridge.mjs',
  startBroker: startNatsServer,
  async connectPublisher(url) {
    const nc = await connect({ servers: url });
    return {
      publish: async (subject, text) => nc.publish(subject, text),
      close: () => nc.close(),
    };
  },
};
