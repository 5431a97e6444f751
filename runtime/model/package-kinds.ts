/**
 * Node kinds from packages (docs/nodes-sdk.md): what a package must export, the check that says
 * why an export is not a kind, and the plain-data spec of a kind that the studio sends to the
 * designer (the renderer never runs a package's code: it renders generic cards and forms from
 * specs). Pure, like the registry.
 */
import { isObj } from './is-obj.ts';
import { CHAIN_EVENTS, KIND_GROUPS, type FieldKind, type NodeKind } from './node-kind.ts';

/** What a package's default export is: its kinds, and the Node half of those that a service binds. */
export interface KindPackage {
  kinds: readonly NodeKind[];
  /** `defineRuntime(kind, {...})` of each kind with `binding: true` (runtime/connectors/runtime-kind.ts). */
  runtimes?: readonly { readonly id: string }[];
}

/** A kind as data: every part of a NodeKind but its functions (check, emit, isAsync). */
export type KindSpec = Omit<NodeKind, 'check' | 'emit' | 'isAsync' | 'ports'> & { ports?: readonly string[] };

/** Package kind ids: a camelCase name, so they never look like YAML keywords or paths. */
const KIND_ID = /^[a-z][A-Za-z0-9]{1,39}$/;
const FIELD_KINDS: readonly FieldKind[] = ['expr', 'template', 'name', 'enum', 'boolean', 'integer', 'list', 'textList', 'templateMap', 'code'];
const PACKAGE_CATEGORIES = ['action', 'connector'];

/** Why `value` is not a kind a package may add, or undefined when it is one. */
export function kindProblem(value: unknown): string | undefined {
  if (!isObj(value)) return 'a kind must be an object made with defineKind({...})';
  const id = value.id;
  if (typeof id !== 'string' || !KIND_ID.test(id)) return `a kind's id must be a camelCase name (letters and digits, 2 to 40), not ${JSON.stringify(id)}`;
  const named = `kind '${id}'`;
  for (const key of ['title', 'icon', 'help'] as const) {
    if (typeof value[key] !== 'string' || value[key] === '') return `${named} has no ${key} (a non-empty text)`;
  }
  if (typeof value.category !== 'string' || !PACKAGE_CATEGORIES.includes(value.category)) return `${named}: category must be 'action' or 'connector'`;
  if (!KIND_GROUPS.includes(value.group as (typeof KIND_GROUPS)[number])) return `${named}: group must be one of ${KIND_GROUPS.join(', ')}`;
  if (typeof value.order !== 'number') return `${named}: order must be a number`;
  if (!isObj(value.fields)) return `${named}: fields must be an object of typed fields`;
  for (const [name, field] of Object.entries(value.fields)) {
    if (!isObj(field) || !FIELD_KINDS.includes(field.kind as FieldKind)) return `${named}: field '${name}' needs a kind (one of ${FIELD_KINDS.join(', ')})`;
    if (typeof field.help !== 'string') return `${named}: field '${name}' needs a help text`;
  }
  const chain = value.chain;
  if (chain !== undefined && (!Array.isArray(chain) || !chain.every((e) => CHAIN_EVENTS.includes(e as never)))) return `${named}: chain must list events of ${CHAIN_EVENTS.join(', ')}`;
  if (chain === undefined && value.binding !== true) return `${named} is neither a chain step (chain: [...]) nor a binding (binding: true)`;
  if (chain !== undefined && typeof value.emit !== 'function') return `${named} is a chain step without emit(e)`;
  // The designer draws a package step's handles from its spec: the ports must be a fixed list.
  if (value.ports !== undefined && !(Array.isArray(value.ports) && value.ports.every((p) => typeof p === 'string'))) return `${named}: ports must be a list of names`;
  for (const key of ['check', 'emit', 'isAsync'] as const) {
    if (value[key] !== undefined && typeof value[key] !== 'function') return `${named}: ${key} must be a function`;
  }
  return undefined;
}

/** Why a runtime half is not one (it must be defineRuntime(kind, { bind })), or undefined. */
export function runtimeProblem(value: unknown): string | undefined {
  if (!isObj(value) || typeof value.id !== 'string') return 'a runtime must be made with defineRuntime(kind, { bind })';
  if (typeof value.bind !== 'function') return `the runtime of '${value.id}' has no bind(link, node, scope, tools)`;
  if (value.hold !== undefined && typeof value.hold !== 'function') return `the runtime of '${value.id}': hold must be a function`;
  return undefined;
}

/** Why a package's default export is not a KindPackage, or undefined. */
export function packageProblem(exported: unknown): string | undefined {
  if (!isObj(exported)) return 'it has no default export object';
  if (!Array.isArray(exported.kinds) || exported.kinds.length === 0) return "its default export has no 'kinds' list";
  for (const kind of exported.kinds as unknown[]) {
    const why = kindProblem(kind);
    if (why !== undefined) return why;
  }
  const kinds = exported.kinds as NodeKind[];
  const runtimes = exported.runtimes ?? [];
  if (!Array.isArray(runtimes)) return "'runtimes' must be a list";
  for (const runtime of runtimes as unknown[]) {
    const why = runtimeProblem(runtime);
    if (why !== undefined) return why;
    const id = (runtime as { id: string }).id;
    if (!kinds.some((k) => k.id === id && k.binding === true)) return `runtime '${id}' is not the runtime of a binding kind of this package`;
  }
  const unbound = kinds.find((k) => k.binding === true && !(runtimes as { id: string }[]).some((r) => r.id === k.id));
  if (unbound) return `kind '${unbound.id}' is a binding (binding: true) without a runtime in 'runtimes'`;
  return undefined;
}

/** The kind as plain data (what the designer needs: names, fields, ports, placement). */
export function specOf(kind: NodeKind): KindSpec {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- the functions are what is left out
  const { check, emit, isAsync, ports, ...data } = kind;
  return { ...data, ...(Array.isArray(ports) ? { ports: [...(ports as readonly string[])] } : {}) };
}

/**
 * A spec read from the studio, as a kind of the designer's registry. Its code is the studio's to
 * write (validate, Run, Export compile in Node): the designer's "View code" says so instead.
 */
export function kindOfSpec(spec: KindSpec): NodeKind {
  return spec.chain === undefined ? spec : { ...spec, emit: (e) => e.line(`// '${spec.id}' is a step from a package: the studio compiles it when the flow is checked, run or exported`) };
}
