/**
 * Snippet helpers: starter code per node type, the line a node shows on the canvas, and the map
 * between a line in the YAML file (where validation reports problems) and a line in a snippet
 * (where Monaco shows them).
 */
import type { FlowDocument, HandlerEvent } from '../../../runtime/model/types.ts';

const SIGNATURES: Record<HandlerEvent | 'upgrader', { head: string; body: string }> = {
  upgrader: {
    head: 'export default function upgrade(req: UpgradeRequest, ctx: ServiceContext): UpgradeDecision | void {',
    body: '  return { accept: true };',
  },
  onOpen: {
    head: 'export default function onOpen(conn: Connection, ctx: ServiceContext) {',
    body: "  ctx.log.info('connected', conn.id);",
  },
  onText: {
    head: 'export default function onText(conn: Connection, text: string, ctx: ServiceContext) {',
    body: '  conn.send(text);',
  },
  onBinary: {
    head: 'export default function onBinary(conn: Connection, data: Uint8Array, ctx: ServiceContext) {',
    body: '  conn.send(data);',
  },
  onClose: {
    head: 'export default function onClose(conn: Connection, code: number, reason: string, ctx: ServiceContext) {',
    body: "  ctx.log.info('closed', conn.id, code, reason);",
  },
  onError: {
    head: 'export default function onError(conn: Connection, error: HandlerError, ctx: ServiceContext) {',
    body: '  ctx.log.error(error.code, error.message);',
  },
};

export function defaultSnippet(type: HandlerEvent | 'upgrader'): string {
  const { head, body } = SIGNATURES[type];
  return `${head}\n${body}\n}\n`;
}

/** The line a node card shows: the first line of the body, else the first line at all. */
export function firstCodeLine(code: string | undefined): string {
  if (!code) return '';
  const lines = code.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('//'));
  const body = lines.find((l) => !/^(export\s+default\s+)?(async\s+)?function\b/.test(l) && l !== '}' && !l.startsWith('import '));
  return body ?? lines[0] ?? '';
}

type Locate = (path: (string | number)[]) => { line: number; col: number } | undefined;

/**
 * The snippet line (1-based) of a problem reported at `fileLine` of the flow text, when the
 * problem lies inside the `code` of node `nodeId`. Block scalars (`code: |`) start their content
 * on the line after the header, so snippet line k sits at header line + k.
 */
export function snippetLineOf(flow: FlowDocument, locate: Locate, nodeId: string, fileLine: number): number | undefined {
  const index = flow.nodes.findIndex((n) => n.id === nodeId);
  if (index < 0) return undefined;
  const header = locate(['nodes', index, 'code']);
  const code = flow.nodes[index]?.code;
  if (!header || typeof code !== 'string') return undefined;
  const line = fileLine - header.line;
  const count = code.split('\n').length;
  return line >= 1 && line <= count ? line : undefined;
}
