/**
 * How sample checks reach a running service. The same checks run against `wsflow run` (the live
 * engine) and against the exported standalone service, so both must behave identically.
 */
import { afterEach } from 'vitest';
import { runFlow, type RunningProcess } from '../helpers/cli.ts';
import { ClientPool } from '../helpers/ws-client.ts';

export type SampleName = 'chat' | 'echo' | 'choreo-chat' | 'notifications' | 'chat-lowcode' | 'echo-lowcode' | 'rooms' | 'chat-components';

export type SampleTarget = Pick<RunningProcess, 'url' | 'port' | 'stop' | 'output'>;

/** Starts a fresh service for one sample. */
export type StartTarget = (sample: SampleName) => Promise<SampleTarget>;

export const startWithCli: StartTarget = (sample) => runFlow(`samples/${sample}.wsflow.yaml`);

/**
 * The low-code twin of a sample (`chat` -> `chat-lowcode`): the same checks run against the flow
 * built from action nodes, so both must behave identically.
 */
export function lowcodeTwin(start: StartTarget): StartTarget {
  return (sample) => start(sample === 'chat' || sample === 'echo' ? `${sample}-lowcode` : sample);
}

/** The components twin of the chat sample: the same checks against samples/chat-components.wsflow.yaml. */
export function componentsTwin(start: StartTarget): StartTarget {
  return (sample) => start(sample === 'chat' ? 'chat-components' : sample);
}

/**
 * One fresh service per test, so that a test never sees joins or leaves from another test; both
 * the service and every client are stopped after each test, whatever happened.
 */
export function freshTargets<A extends unknown[], T extends { stop(): Promise<unknown> }>(launch: (...args: A) => Promise<T>) {
  const running: T[] = [];
  const pool = new ClientPool();
  afterEach(async () => {
    pool.closeAll();
    await Promise.all(running.splice(0).map((target) => target.stop()));
  });
  return {
    pool,
    async start(...args: A): Promise<T> {
      const target = await launch(...args);
      running.push(target);
      return target;
    },
  };
}

/** A fresh service of `sample` per test (see freshTargets). */
export function freshService(start: StartTarget, sample: SampleName) {
  return freshTargets(() => start(sample));
}
