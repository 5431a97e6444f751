/**
 * TypeScript type checks of every snippet against the handler API (`wsflow-handler-api.d.ts`).
 *
 * Each snippet becomes a virtual module, plus a virtual check file that assigns its default export
 * to the handler type of its node (`OnTextHandler`, ...), so a wrong signature is a type error too.
 * The lib and @types/node source files are parsed once and reused across calls (and the previous
 * program is passed as `oldProgram`), which makes a warm check a small fraction of a cold one.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import type TS from 'typescript';
import { MODEL_CODES as C } from '../model/codes.ts';
import type { Locator } from '../model/locate.ts';
import type { FlowDocument, Problem } from '../model/types.ts';
import { lowerFlow, type ChainOptions, type CompiledChain } from '../lowcode/index.ts';
import { chainProblem, checkChainFields } from './chain-diagnostics.ts';
import { flattenDiagnostic as flatten, snippetProblem } from './snippet-diagnostics.ts';

export const HANDLER_API_PATH = fileURLToPath(new URL('../api/wsflow-handler-api.d.ts', import.meta.url));
const LIGHT_GLOBALS_PATH = fileURLToPath(new URL('./snippet-globals.d.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
// Loaded with require, not import: through the ESM loader (tsx hooks) the 9 MB compiler takes
// twice as long to load (measured 1.2 s against 0.55 s).
const ts = createRequire(import.meta.url)('typescript') as typeof TS;
const VROOT = '/__wsflow__/';
const VIRTUAL_DIRS = new Set(['/__wsflow__', '/__wsflow__/snippets', '/__wsflow__/checks']);

const HANDLER_TYPES: Record<string, string> = {
  upgrader: 'UpgradeHandler',
  onOpen: 'OnOpenHandler',
  onText: 'OnTextHandler',
  onBinary: 'OnBinaryHandler',
  onClose: 'OnCloseHandler',
  onError: 'OnErrorHandler',
};

const OPTIONS: TS.CompilerOptions = {
  strict: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  moduleDetection: ts.ModuleDetectionKind.Force,
  allowImportingTsExtensions: true,
  noEmit: true,
  skipLibCheck: true,
  esModuleInterop: true,
  isolatedModules: true,
  lib: ['lib.es2023.d.ts'],
  typeRoots: [join(REPO_ROOT, 'node_modules', '@types')],
};

/** Parsed files that never change during a process: TypeScript's lib, @types/node, the API. */
const sharedFiles = new Map<string, TS.SourceFile>();
/** Snippet files by name, reused while their text is unchanged. */
const virtualFiles = new Map<string, TS.SourceFile>();

interface SnippetInfo {
  nodeIndex: number;
  nodeId: string;
  type: string;
  fileName: string;
  checkName?: string;
  /** Set when the snippet was generated from a chain of action nodes. */
  chain?: CompiledChain;
}

/**
 * Chains are checked as the snippets they compile to (with `json` typed from the service's
 * incoming messages when `options.incomingTypes` is given); their diagnostics are located on the
 * action node and field they come from.
 */
export function checkSnippets(flow: FlowDocument, locate: Locator, file?: string, options: ChainOptions = {}): Problem[] {
  const lowered = lowerFlow(flow, options);
  const chains = new Map(lowered.chains.map((c) => [c.eventIndex, c]));
  const nodes = Array.isArray(lowered.flow.nodes) ? lowered.flow.nodes : [];
  const texts = new Map<string, string>();
  const snippets: SnippetInfo[] = [];
  const problems: Problem[] = [];
  nodes.forEach((node, nodeIndex) => {
    if (!node || typeof node !== 'object') return;
    const handlerType = HANDLER_TYPES[String(node.type)];
    if (!handlerType || typeof node.code !== 'string' || node.code.trim() === '') return;
    const nodeId = typeof node.id === 'string' ? node.id : `#${nodeIndex + 1}`;
    const safe = nodeId.replace(/[^A-Za-z0-9_-]/g, '_');
    const fileName = `${VROOT}snippets/n${nodeIndex}_${safe}.ts`;
    texts.set(fileName, node.code);
    snippets.push({ nodeIndex, nodeId, type: String(node.type), fileName, chain: chains.get(nodeIndex) });
  });
  if (snippets.length === 0) return problems;
  // A field that is not one expression (or one template) would change the generated code's shape.
  const broken = new Set<CompiledChain>();
  for (const chain of chains.values()) {
    const found = checkChainFields(chain, locate, file);
    if (found.length > 0) broken.add(chain);
    problems.push(...found);
  }

  // Snippets without a default export get a located error instead of a check file.
  for (const snippet of snippets) {
    const source = sourceFor(snippet.fileName, texts.get(snippet.fileName) ?? '');
    if (!hasDefaultExport(source)) {
      const at = locate(['nodes', snippet.nodeIndex, 'code'], { line: 1, col: 1 });
      problems.push({
        severity: 'error',
        code: C.SNIPPET_NO_DEFAULT_EXPORT,
        message: `The snippet has no default export; write 'export default function ${snippet.type === 'upgrader' ? 'upgrade' : snippet.type}(...) { ... }'.`,
        file,
        line: at?.line,
        col: at?.col,
        nodeId: snippet.nodeId,
        field: 'code',
      });
      continue;
    }
    snippet.checkName = `${VROOT}checks/n${snippet.nodeIndex}.ts`;
    const base = snippet.fileName.slice(`${VROOT}snippets/`.length);
    texts.set(
      snippet.checkName,
      `import handler from '../snippets/${base}';\nconst check: ${HANDLER_TYPES[snippet.type]} = handler;\nexport { check };\n`,
    );
  }

  // Fast path: check against a small globals file; only when that finds something (or a snippet
  // imports a Node module) pay for @types/node, and report what the full check says.
  const needsNode = [...texts.values()].some((text) => /['"]node:|\brequire\s*\(|\b(Buffer|process|NodeJS|global)\b/.test(text));
  let program = needsNode ? undefined : runProgram('light', texts);
  if (!program || countDiagnostics(program, snippets) > 0) program = runProgram('node', texts);

  for (const snippet of snippets) {
    const source = program.getSourceFile(snippet.fileName);
    if (!source) continue;
    const syntactic = program.getSyntacticDiagnostics(source);
    const syntax = syntactic.length > 0;
    if (snippet.chain) {
      if (broken.has(snippet.chain)) continue;
      const seen = new Set<string>();
      for (const d of syntax ? syntactic : program.getSemanticDiagnostics(source)) {
        const p = chainProblem(snippet.chain, d.start ?? 0, syntax, d.category === ts.DiagnosticCategory.Error, flatten(d.messageText), locate, file);
        const key = `${p.line}:${p.col}:${p.message}`;
        if (!seen.has(key)) problems.push(p);
        seen.add(key);
      }
      continue;
    }
    for (const d of syntax ? syntactic : program.getSemanticDiagnostics(source)) {
      const { line, character } = source.getLineAndCharacterOfPosition(d.start ?? 0);
      const severity = d.category === ts.DiagnosticCategory.Error ? 'error' : 'warning';
      const { nodeIndex, nodeId } = snippet;
      problems.push(snippetProblem({ syntax, severity, nodeIndex, nodeId, line: line + 1, col: character + 1, text: flatten(d.messageText) }, locate, file));
    }
    // A snippet that does not even parse would only add a confusing signature error.
    if (!snippet.checkName || syntax) continue;
    const check = program.getSourceFile(snippet.checkName);
    if (!check) continue;
    for (const d of program.getSemanticDiagnostics(check)) {
      const where = defaultExportLine(source);
      const at = locate(['nodes', snippet.nodeIndex, 'code'], { line: where.line, col: where.col });
      problems.push({
        severity: 'error',
        code: C.SNIPPET_SIGNATURE,
        message: `The default export does not fit the ${snippet.type} handler type ${signatureHint(snippet.type)}: ${flatten(d.messageText)}`,
        file,
        line: at?.line,
        col: at?.col,
        nodeId: snippet.nodeId,
        field: 'code',
      });
    }
  }
  return problems;
}

type World = 'light' | 'node';
const previousPrograms: Partial<Record<World, TS.Program>> = {};

function runProgram(world: World, texts: Map<string, string>): TS.Program {
  const options: TS.CompilerOptions = world === 'node' ? { ...OPTIONS, types: ['node'] } : { ...OPTIONS, types: [] };
  const roots = [HANDLER_API_PATH, ...(world === 'light' ? [LIGHT_GLOBALS_PATH] : []), ...texts.keys()];
  const program = ts.createProgram({ rootNames: roots, options, host: createHost(texts), oldProgram: previousPrograms[world] });
  previousPrograms[world] = program;
  return program;
}

function countDiagnostics(program: TS.Program, snippets: SnippetInfo[]): number {
  let count = 0;
  for (const snippet of snippets) {
    for (const name of [snippet.fileName, snippet.checkName]) {
      const source = name ? program.getSourceFile(name) : undefined;
      if (source) count += program.getSyntacticDiagnostics(source).length + program.getSemanticDiagnostics(source).length;
    }
  }
  return count;
}

function signatureHint(type: string): string {
  const hints: Record<string, string> = {
    upgrader: '(req: UpgradeRequest, ctx: ServiceContext) => UpgradeDecision | void',
    onOpen: '(conn: Connection, ctx: ServiceContext) => void',
    onText: '(conn: Connection, text: string, ctx: ServiceContext) => void',
    onBinary: '(conn: Connection, data: Uint8Array, ctx: ServiceContext) => void',
    onClose: '(conn: Connection, code: number, reason: string, ctx: ServiceContext) => void',
    onError: '(conn: Connection, error: HandlerError, ctx: ServiceContext) => void',
  };
  return hints[type] ?? '';
}

function sourceFor(fileName: string, text: string): TS.SourceFile {
  const cached = virtualFiles.get(fileName);
  if (cached && cached.text === text) return cached;
  const created = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true);
  virtualFiles.set(fileName, created);
  return created;
}

function hasDefaultExport(source: TS.SourceFile): boolean {
  return source.statements.some((statement) => {
    if (ts.isExportAssignment(statement)) return !statement.isExportEquals;
    if (ts.isExportDeclaration(statement) && statement.exportClause && ts.isNamedExports(statement.exportClause)) {
      return statement.exportClause.elements.some((e) => e.name.text === 'default');
    }
    const modifiers = ts.canHaveModifiers(statement) ? ts.getModifiers(statement) : undefined;
    return !!modifiers?.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword) && !!modifiers.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  });
}

function defaultExportLine(source: TS.SourceFile): { line: number; col: number } {
  for (const statement of source.statements) {
    const modifiers = ts.canHaveModifiers(statement) ? ts.getModifiers(statement) : undefined;
    if (ts.isExportAssignment(statement) || modifiers?.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword)) {
      const { line, character } = source.getLineAndCharacterOfPosition(statement.getStart(source));
      return { line: line + 1, col: character + 1 };
    }
  }
  return { line: 1, col: 1 };
}

function createHost(texts: Map<string, string>): TS.CompilerHost {
  const host: TS.CompilerHost = {
    getSourceFile(fileName, languageVersion) {
      const text = texts.get(fileName);
      if (text !== undefined) return sourceFor(fileName, text);
      if (fileName.startsWith(VROOT)) return undefined;
      const shared = sharedFiles.get(fileName);
      if (shared) return shared;
      let content: string;
      try {
        content = readFileSync(fileName, 'utf8');
      } catch {
        return undefined;
      }
      const created = ts.createSourceFile(fileName, content, languageVersion, false);
      sharedFiles.set(fileName, created);
      return created;
    },
    getDefaultLibFileName: (options) => ts.getDefaultLibFilePath(options),
    getDefaultLibLocation: () => dirname(ts.getDefaultLibFilePath(OPTIONS)),
    writeFile: () => undefined,
    getCurrentDirectory: () => REPO_ROOT,
    getDirectories: (path) => (path.startsWith(VROOT) ? [] : ts.sys.getDirectories(path)),
    fileExists: (fileName) => texts.has(fileName) || (!fileName.startsWith(VROOT) && ts.sys.fileExists(fileName)),
    readFile: (fileName) => texts.get(fileName) ?? (fileName.startsWith(VROOT) ? undefined : ts.sys.readFile(fileName)),
    directoryExists: (dir) => (dir.startsWith(VROOT) ? VIRTUAL_DIRS.has(dir.replace(/\/$/, '')) : ts.sys.directoryExists(dir)),
    realpath: (path) => path,
    getCanonicalFileName: (fileName) => fileName,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => '\n',
    // A snippet may import its virtual neighbours and Node built-ins (ambient modules of
    // @types/node) only: whatever else happens to be installed here is shipped neither by the
    // engine nor by the export, so it must not type-check.
    resolveModuleNameLiterals: (literals, containingFile, redirectedReference, options) =>
      literals.map((literal) =>
        containingFile.startsWith(VROOT) && !literal.text.startsWith('.')
          ? { resolvedModule: undefined }
          : ts.resolveModuleName(literal.text, containingFile, options, host, undefined, redirectedReference),
      ),
  };
  return host;
}
