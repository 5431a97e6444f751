/**
 * Low-code chains: action nodes compiled to the snippet a person would write (compile.ts), and
 * diagnostics in that code mapped back to the node and field (locate.ts). Imports only the model.
 */
export { compileChains, lowerFlow, chainStart, type CompiledChain, type ChainOptions } from './compile.ts';
export { locateInChain, type ChainLocation } from './locate.ts';
export { emitterOf, type Emitter, type EmitContext } from './emitters.ts';
