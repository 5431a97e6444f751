// Source-mode entry of the handler-host worker: teach this thread TypeScript (tsx), then load
// worker.ts. An exported service bundles worker.ts into one .mjs and passes its URL instead.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
