/**
 * `wsflow/sdk` (package.json `exports`): what a package that adds node kinds imports, typed
 * (docs/nodes-sdk.md). It sits with the connectors because a kind's Node half is a connector
 * runtime; the model half is the pure NodeKind of runtime/model/node-kind.ts.
 *
 * A package needs nothing of wsflow at run time but these declarations: `defineKind` returns its
 * argument and `defineRuntime` adds the kind's id, so `import type` plus plain objects work too.
 */
export { CHAIN_EVENTS, CONNECTION_EVENTS, HANDLER_EVENTS, KIND_GROUPS, NEXT, defineKind } from '../model/node-kind.ts';
export type { ChainEvent, EmitContext, FieldKind, HandlerEvent, KindCategory, KindCheckContext, KindField, KindGroup, NodeKind, NodeOf, Part, Role } from '../model/node-kind.ts';
export type { KindPackage } from '../model/package-kinds.ts';
export { defineRuntime } from './runtime-kind.ts';
export type { Binding, ConnectorRuntime, ConnectorTools, Hold, NodeCounts } from './runtime-kind.ts';
export type { ClientLink } from '../engine/contracts.ts';
export type { TemplateScope } from '../model/template.ts';
