/**
 * A real, throw-away NATS server for tests (Debian's `nats-server` package; nothing assumes the
 * system service runs): loopback only, no persistence. The process lifecycle (port, temp dir,
 * kill, restart) is broker-process.ts's.
 */
import { startBrokerProcess, type BrokerProcess } from './broker-process.ts';

export const NATS_SERVER = process.env.NATS_SERVER ?? '/usr/sbin/nats-server';

export interface TestNats extends Omit<BrokerProcess, 'signal'> {
  url: string;
  /** SIGSTOP / SIGCONT: a NATS server that hangs with its connections open. */
  pause(): void;
  resume(): void;
}

export async function startNatsServer(): Promise<TestNats> {
  const broker = await startBrokerProcess({
    name: 'nats',
    binary: NATS_SERVER,
    install: 'apt-get install nats-server',
    args: (port) => ['-a', '127.0.0.1', '-p', String(port)],
  });
  return { ...broker, url: `nats://127.0.0.1:${broker.port}`, pause: () => broker.signal('SIGSTOP'), resume: () => broker.signal('SIGCONT') };
}
