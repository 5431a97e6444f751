/** What every service factory is created with: the backend client and the store. */
import type { StudioClient } from '../client.ts';
import type { StudioStore } from '../store.ts';

export type { StudioStore };

export interface ServiceDeps {
  client: StudioClient;
  store: StudioStore;
}
