#!/usr/bin/env node
// Entry point of `npm run bench`: the harness is TypeScript (bench/main.ts) run through tsx.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../bench/main.ts');
process.exitCode = await main(process.argv.slice(2));
