/**
 * The flow's environment as the designer sees it: which `${env.NAME}` variables the flow reads,
 * whether the studio has each one set for the next run, and values set for this session only.
 * Values go to the backend and stay there; the designer is only ever told "set" or "unset".
 */
import { envVariables } from '../../../runtime/model/connectors.ts';
import type { Problem } from '../../../runtime/model/types.ts';
import { errorMessage } from '../client.ts';
import type { ServiceDeps } from './deps.ts';

export function createEnvironmentService({ client, store }: ServiceDeps, validateNow: () => Promise<Problem[]>) {
  /** The names last asked about, so an edit that changes no reference asks nothing. */
  let asked = '';

  async function refreshEnv(force = false): Promise<void> {
    const names = envVariables(store.getState().flow);
    const key = names.join('\n');
    if (!force && key === asked) return;
    asked = key;
    try {
      const { vars, envFile } = await client.call('envStatus', { names });
      store.getState().set({ envStatus: Object.fromEntries(vars.map((v) => [v.name, v])), envFile });
    } catch (error) {
      // Asked again on the next change; a failed status must not block editing.
      asked = '';
      store.getState().toast('error', `Cannot read the environment: ${errorMessage(error)}`);
    }
  }

  /** Sets (or, with an empty value, forgets) a session value, then checks again so the Problems list follows. */
  async function setEnv(name: string, value: string): Promise<boolean> {
    try {
      const status = await client.call('envSet', { name, value });
      store.getState().set({ envStatus: { ...store.getState().envStatus, [name]: status } });
      void validateNow();
      return true;
    } catch (error) {
      store.getState().toast('error', `Cannot set ${name}: ${errorMessage(error)}`);
      return false;
    }
  }

  return { refreshEnv, setEnv };
}
