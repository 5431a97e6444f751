/**
 * A real, throw-away Mosquitto broker for tests (Debian's `mosquitto` package; nothing assumes
 * the system service runs): generated config, no persistence. The process lifecycle (port, temp
 * dir, kill, restart) is broker-process.ts's.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startBrokerProcess, type BrokerProcess } from './broker-process.ts';

export const MOSQUITTO = process.env.MOSQUITTO ?? '/usr/sbin/mosquitto';

export interface TestMosquitto extends Omit<BrokerProcess, 'signal'> {
  url: string;
  /** SIGSTOP / SIGCONT: a Mosquitto that hangs with its connections open. */
  pause(): void;
  resume(): void;
}

export async function startMosquitto(): Promise<TestMosquitto> {
  const broker = await startBrokerProcess({
    name: 'mosquitto',
    binary: MOSQUITTO,
    install: 'apt-get install mosquitto',
    args(port, dir) {
      const config = join(dir, 'mosquitto.conf');
      const lines = [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence false', 'log_dest stderr', 'log_type error', 'max_queued_messages 100000', ''];
      writeFileSync(config, lines.join('\n'));
      return ['-c', config];
    },
  });
  return { ...broker, url: `mqtt://127.0.0.1:${broker.port}`, pause: () => broker.signal('SIGSTOP'), resume: () => broker.signal('SIGCONT') };
}
