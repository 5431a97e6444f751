/**
 * The compiled flow of an exported service. This file is a placeholder: `bundle.ts` replaces its
 * contents with the flow and its compiled snippets when it builds `server.mjs`.
 */
import type { CompiledFlow } from '../../engine/contracts.ts';

export const embedded: CompiledFlow | undefined = undefined;

/** The default exports of the flow's packages that have Node halves (docs/nodes-sdk.md), bundled. */
export const embeddedPackages: readonly unknown[] = [];
