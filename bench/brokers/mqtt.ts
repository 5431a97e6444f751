/** MQTT for the broker fan-out: a throw-away mosquitto, samples/mqtt-bridge.wsflow.yaml. */
import mqtt from 'mqtt';
import { startMosquitto } from '../../test/helpers/mosquitto.ts';
import type { BrokerAdapter } from './types.ts';

export const mqttBroker: BrokerAdapter = {
  id: 'mqtt',
  label: 'MQTT (mosquitto)',
  sample: 'samples/mqtt-bridge.wsflow.yaml',
  envVar: 'MQTT_URL',
  pathPrefix: '/topics/',
  handBridge: 'bench/brokers/mqtt-hand-bridge.mjs',
  startBroker: startMosquitto,
  async connectPublisher(url) {
    const client = await mqtt.connectAsync(url);
    return {
      // QoS 0 from the publisher: the bridges subscribe with QoS 1, so delivery is at QoS 0 either way.
      publish: async (topic, text) => void (await client.publishAsync(topic, text, { qos: 0 })),
      close: () => client.endAsync(),
    };
  },
};
