#!/usr/bin/env node
// Entry point of the `wsflow` CLI. The runtime is TypeScript run through tsx (esbuild), so a
// clean clone needs no build step before `npx wsflow`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../runtime/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
