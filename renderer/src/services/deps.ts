/** What every service factory is created with: the backend client and the store. */
import type { StoreApi, UseBoundStore } from 'zustand';
import type { StudioClient } from '../client.ts';
import type { StudioState } from '../store.ts';

export type StudioStore = UseBoundStore<StoreApi<StudioState>>;

export interface ServiceDeps {
  client: StudioClient;
  store: StudioStore;
}
