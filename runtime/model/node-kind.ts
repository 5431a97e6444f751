/**
 * What a node kind is: the one definition that the JSON Schema, validation, the chain compiler,
 * the designer's palette, forms and cards, and the docs tables all read (docs/architecture.md,
 * "Node kinds"). One module per kind sits in `kinds/` and `kinds/index.ts` lists them (generated
 * by `npm run kinds`). The Node-only half of a connector (sockets, brokers) is registered under the
 * same id in `runtime/connectors/kinds/`.
 *
 * Pure: no Node built-ins, no DOM, and nothing of the rest of the model, so that every other model
 * module may build on the registry without an import cycle.
 */

export type HandlerEvent = 'onOpen' | 'onText' | 'onBinary' | 'onClose' | 'onError';
export const HANDLER_EVENTS: readonly HandlerEvent[] = ['onOpen', 'onText', 'onBinary', 'onClose', 'onError'];

/** Where a chain starts: a handler event or the upgrader. */
export type ChainEvent = HandlerEvent | 'upgrader';
export const CHAIN_EVENTS: readonly ChainEvent[] = ['upgrader', 'onOpen', 'onText', 'onBinary', 'onClose', 'onError'];
export const CONNECTION_EVENTS: readonly ChainEvent[] = HANDLER_EVENTS;

/** The single output of a plain step; its edges carry no `port`. */
export const NEXT = 'next';

/**
 * - `expr`: a TypeScript expression (`conn.params.name`, `vars.count > 1`); YAML numbers and
 *   booleans are taken as their literal text.
 * - `template`: a template literal body without backticks (`${conn.params.name}: ${text}`). In a
 *   chain it is TypeScript; in a service binding only `${env.*}` and `${conn.*}` are filled in.
 * - `name`: a plain name (a chain variable or connection attribute), letters, digits, `_`, `$`.
 * - `enum`: one of `values` (strings or numbers).
 * - `boolean`; `integer` (a whole number from `min` to `max`);
 * - `list`: a YAML list of strings or numbers; `textList`: a list of non-empty texts;
 * - `templateMap`: a mapping of names to templates (headers);
 * - `code`: TypeScript statements.
 */
export type FieldKind = 'expr' | 'template' | 'name' | 'enum' | 'boolean' | 'integer' | 'list' | 'textList' | 'templateMap' | 'code';

export interface KindField {
  kind: FieldKind;
  /** One line for the inspector, the schema and the docs. */
  help: string;
  required?: boolean;
  values?: readonly (string | number)[];
  /** Shown as placeholder and used when the field is absent. */
  default?: string | number | boolean;
  min?: number;
  max?: number;
  /** The roles the field applies to (default: every role of the kind). */
  roles?: readonly Role[];
  /** Extra JSON Schema keywords for this field (a pattern on a URL, ...). */
  schema?: Readonly<Record<string, unknown>>;
}

/** How a node takes part in a flow. */
export type Role = 'chain' | 'binding';

/** Palette groups, in the palette's order. */
export const KIND_GROUPS = ['Entry', 'Handlers', 'Flow', 'Send', 'Data', 'Connection', 'Integration', 'Advanced'] as const;
export type KindGroup = (typeof KIND_GROUPS)[number];

/** The role a kind plays in the graph, which decides its card and its edges. */
export type KindCategory = 'upgrader' | 'service' | 'handler' | 'action' | 'connector';

type Obj = Readonly<Record<string, unknown>>;

/** What a kind's own checks may report; `field` is a field of the node (or a dotted path in it). */
export interface KindCheckContext {
  readonly role: Role;
  /** Ids of the other nodes of the same kind bound to the same service (binding role). */
  readonly siblings: readonly string[];
  /**
   * A problem on the node (`field` undefined) or one of its fields: a generic one (its code is the
   * role's: WSF_ACTION_FIELD_* in a chain, WSF_CONNECTOR_FIELD_* as a binding) or a stable code.
   */
  error(code: 'missing' | 'invalid' | 'conflict' | `WSF_${string}`, message: string, field?: string): void;
}

/** A field value copied into generated code (runtime/lowcode/builder.ts turns it into a segment). */
export type Part = string | { field: string; kind: 'expr' | 'template' | 'code' | 'literal'; raw: string; bare?: boolean };

/** What the chain compiler gives a kind's `emit` (runtime/lowcode/compile.ts). */
export interface EmitContext {
  /** The node's fields as written. */
  readonly raw: Obj;
  /** The event whose chain this is. */
  readonly event: ChainEvent;
  /** `'await '` in an async chain, else `''`. */
  readonly await: string;
  /** A unique suffix for local names of this node. */
  readonly uid: string;
  /**
   * The context expression a connector call goes through: `ctx` in the code people see; in the
   * engine's variant one that reports the call (and its failure) on this node, not its handler.
   */
  readonly ctx: string;
  has(field: string): boolean;
  /** The field as a TypeScript expression (`fallback` when absent). */
  x(field: string, fallback?: string): Part;
  /** The field as an expression that stands alone (`if (...)`), without extra parentheses. */
  bare(field: string, fallback: string): Part;
  /** The field as a template literal. */
  t(field: string): Part;
  /** The field as a JSON string literal (names, case values). */
  lit(field: string, value?: string): Part;
  /** The field's statements. */
  code(field: string): Part;
  str(field: string, fallback: string): string;
  line(...parts: Part[]): void;
  indent(delta: number): void;
  /** Writes the steps that follow at `port` (nothing when the port is not wired). */
  follow(port: string): void;
  wired(port: string): boolean;
}

export interface ComposeBroker {
  /** compose service name */
  service: string;
  image: string;
  command?: readonly string[];
  /** the broker's URL inside compose */
  url: string;
}

export interface NodeKind<Id extends string = string> {
  id: Id;
  title: string;
  category: KindCategory;
  group: KindGroup;
  /** Position inside its palette group (lower first). */
  order: number;
  /** A short glyph for the palette and the card. */
  icon: string;
  /** One or two sentences: palette tooltip, inspector, docs. */
  help: string;
  /** Typed fields, in form order. Structural kinds (upgrader, service) have custom forms and `schema`. */
  fields: Readonly<Record<string, KindField>>;
  /** JSON Schema properties of a structural kind whose fields are nested documents. */
  schema?: Readonly<Record<string, unknown>>;
  /** Fields of which exactly one must be given (reply: `message` or `value`). */
  oneOf?: readonly string[];
  /**
   * Output ports when it stands in a chain: `[NEXT]` for a plain step, a function when they depend
   * on the node's fields (switch cases), `[]` for a node that ends the chain.
   */
  ports?: readonly string[] | ((node: Obj) => string[]);
  /** The chains it may stand in as a step; absent: it is never a chain step. */
  chain?: readonly ChainEvent[];
  /** True when a service may bind it to each of its connections (a connector). */
  binding?: boolean;
  /** A service binds at most one node of this kind (a connection fronts one backend). */
  onePerService?: boolean;
  /** Fields whose first present value is the card's summary line. */
  summary?: readonly string[];
  /** The id a new node gets (then `-2`, `-3`, ...); default: the kind's id. */
  baseId?: string;
  /**
   * The broker a local `docker compose up` of the export starts beside the service when the
   * node's `url` is a single `${env.NAME}` (runtime/export/connector-env.ts).
   */
  composeBroker?: ComposeBroker;
  /** Starter fields of a node placed from the palette. */
  defaults?: Obj;
  /** Checks beyond field kinds (combinations of fields, wildcards, one per service). */
  check?: (node: Obj, context: KindCheckContext) => void;
  /** The TypeScript this step compiles to (chain steps). */
  emit?: (e: EmitContext) => void;
  /** True when this step needs `await` (then the whole handler is async). */
  isAsync?: (node: Obj) => boolean;
}

/** Declares a kind, keeping its literal id (and whether it is a chain step) in its type. */
export function defineKind<const K extends NodeKind>(kind: K): K {
  return kind;
}

/** A handler event node: it holds a snippet or starts a chain. */
export function handlerKind<const Id extends HandlerEvent>(id: Id, order: number, help: string) {
  return defineKind({
    id,
    baseId: id.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`),
    title: id,
    category: 'handler',
    group: 'Handlers',
    order,
    icon: 'ƒ',
    help,
    fields: {},
    schema: { code: { $ref: '#/definitions/code' } },
  });
}

type FieldValue<F extends KindField> = F['kind'] extends 'boolean'
  ? boolean
  : F['kind'] extends 'integer'
    ? number
    : F['kind'] extends 'enum'
      ? NonNullable<F['values']>[number]
      : F['kind'] extends 'templateMap'
        ? Record<string, string>
        : F['kind'] extends 'list'
          ? (string | number)[]
          : F['kind'] extends 'textList'
            ? string[]
            : F['kind'] extends 'expr'
              ? string | number | boolean
              : string;
type Fields<K extends NodeKind> = K['fields'];
type RequiredKeys<K extends NodeKind> = { [P in keyof Fields<K>]: Fields<K>[P] extends { required: true } ? P : never }[keyof Fields<K>];

/** The document shape of a node of kind K, derived from its fields (the Node-side runtimes read it). */
export type NodeOf<K extends NodeKind> = {
  id: string;
  type: K['id'];
  position?: { x: number; y: number };
  label?: string;
  description?: string;
} & { [P in RequiredKeys<K>]: FieldValue<Fields<K>[P]> } & { [P in Exclude<keyof Fields<K>, RequiredKeys<K>>]?: FieldValue<Fields<K>[P]> };
