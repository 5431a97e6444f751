/** Monaco and its setup, loaded once, the first time an editor appears (the canvas starts without it). */
export type MonacoSetup = typeof import('./monaco-setup.ts');

let setupPromise: Promise<MonacoSetup> | undefined;
export const loadMonaco = (): Promise<MonacoSetup> => (setupPromise ??= import('./monaco-setup.ts'));
