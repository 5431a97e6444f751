/**
 * A real, throw-away RabbitMQ for tests (Debian's `rabbitmq-server` package; nothing assumes the
 * system service runs). The server script is run directly, not through /usr/sbin's wrapper (which
 * switches to the `rabbitmq` user and writes into /var): its node name, data, logs, Erlang cookie
 * (HOME) and its own epmd live in a temp dir and on free loopback ports, so several can run at
 * once. RUNNING_UNDER_SYSTEMD makes the script exec the Erlang VM, so the PID this helper started
 * is the broker itself and SIGKILL is a real crash. Stopped with `rabbitmqctl stop`, then its epmd
 * is told to exit: nothing is left running.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startBrokerProcess, type BrokerProcess } from './broker-process.ts';
import { freePort } from './net.ts';

const run = promisify(execFile);
const RABBIT_BIN = process.env.RABBITMQ_BIN ?? '/usr/lib/rabbitmq/bin';
const EPMD = process.env.EPMD ?? '/usr/bin/epmd';

/** A first boot creates its database: slow on a busy machine (7 to 25 s seen). */
const STARTUP_MS = 60_000;

export interface TestRabbit extends Omit<BrokerProcess, 'signal'> {
  url: string;
  /** how long the first start took, in ms */
  startedInMs: number;
  /** SIGSTOP / SIGCONT: a broker that hangs with its connections open (the PID is the Erlang VM itself). */
  pause(): void;
  resume(): void;
}

export async function startRabbitMq(): Promise<TestRabbit> {
  const dist = await freePort();
  const epmd = await freePort();
  const node = `wsflow-test-${dist}@localhost`;
  let envOf: Record<string, string> = {};
  const t0 = performance.now();
  const broker = await startBrokerProcess({
    name: 'rabbitmq',
    binary: join(RABBIT_BIN, 'rabbitmq-server'),
    install: 'apt-get install rabbitmq-server',
    startupMs: STARTUP_MS,
    args: () => [],
    env(port, dir) {
      writeFileSync(join(dir, 'enabled_plugins'), '[].\n');
      writeFileSync(join(dir, 'rabbitmq-env.conf'), '');
      envOf = {
        HOME: dir,
        RABBITMQ_NODENAME: node,
        RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
        RABBITMQ_NODE_PORT: String(port),
        RABBITMQ_DIST_PORT: String(dist),
        ERL_EPMD_PORT: String(epmd),
        RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
        RABBITMQ_LOG_BASE: join(dir, 'log'),
        RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
        RABBITMQ_CONF_ENV_FILE: join(dir, 'rabbitmq-env.conf'),
        RABBITMQ_PID_FILE: join(dir, 'rabbitmq.pid'),
        RUNNING_UNDER_SYSTEMD: 'true',
      };
      return envOf;
    },
    async shutdown(_port, dir) {
      await run(join(RABBIT_BIN, 'rabbitmqctl'), ['-n', node, 'stop'], { env: { ...process.env, ...envOf }, cwd: dir, timeout: 20_000 });
    },
    async cleanup() {
      // The VM started this epmd as a daemon on our port; with no node left it exits when told to.
      await run(EPMD, ['-port', String(epmd), '-kill'], { timeout: 5_000 }).catch(() => undefined);
    },
  });
  return {
    ...broker,
    url: `amqp://guest:guest@127.0.0.1:${broker.port}`,
    startedInMs: Math.round(performance.now() - t0),
    pause: () => broker.signal('SIGSTOP'),
    resume: () => broker.signal('SIGCONT'),
  };
}
