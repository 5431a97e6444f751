// Entry of the validation worker thread: TypeScript sources load through tsx here, as in
// bin/wsflow.mjs (a worker does not inherit the main thread's loader).
import { register } from 'tsx/esm/api';

register();
await import('./validate-worker.ts');
