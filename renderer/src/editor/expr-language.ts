/**
 * The one-line editors' languages (`wsflow-expr`, `wsflow-template`): completion and diagnostics
 * come from Monaco's TypeScript worker, asked about a hidden module that wraps the field's text
 * in the chain's scope (expr-scope.ts). The hidden module is a module of its own, so its
 * declarations never leak into the snippets' models.
 */
import { monaco } from './monaco-setup.ts';
import { withText, type HiddenSource } from './expr-scope.ts';

export const EXPR_LANGUAGE = 'wsflow-expr';
export const TEMPLATE_LANGUAGE = 'wsflow-template';

interface Link {
  hidden: monaco.editor.ITextModel;
  source: HiddenSource;
}

/** Visible model URI -> its hidden module. */
const links = new Map<string, Link>();
let seq = 0;

/** A visible model and its hidden module; dispose both with the returned function. */
export function createFieldModels(text: string, language: string, source: HiddenSource): { model: monaco.editor.ITextModel; setSource(next: HiddenSource): void; dispose(): void } {
  const id = ++seq;
  const model = monaco.editor.createModel(text, language, monaco.Uri.parse(`inmemory://wsflow/field/${id}`));
  const hidden = monaco.editor.createModel(withText(source, text), 'typescript', monaco.Uri.parse(`file:///wsflow/fields/f${id}.ts`));
  const link: Link = { hidden, source };
  links.set(model.uri.toString(), link);
  const sync = model.onDidChangeContent(() => hidden.setValue(withText(link.source, model.getValue())));
  return {
    model,
    setSource(next) {
      if (next.text === link.source.text) return;
      link.source = next;
      hidden.setValue(withText(next, model.getValue()));
    },
    dispose() {
      sync.dispose();
      links.delete(model.uri.toString());
      model.dispose();
      hidden.dispose();
    },
  };
}

/**
 * Monaco starts its TypeScript support when the first TypeScript model appears, asynchronously:
 * a field checked right after the designer opened may ask before it is ready ("TypeScript not
 * registered!"). Ask again for a while (bounded) rather than fail.
 */
async function typeScriptWorker(): Promise<Awaited<ReturnType<typeof monaco.typescript.getTypeScriptWorker>>> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await monaco.typescript.getTypeScriptWorker();
    } catch (error) {
      if (attempt >= 100 || !String(error).includes('not registered')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function workerFor(hidden: monaco.editor.ITextModel) {
  const get = await typeScriptWorker();
  return get(hidden.uri);
}

const KINDS: Record<string, monaco.languages.CompletionItemKind> = {
  method: monaco.languages.CompletionItemKind.Method,
  property: monaco.languages.CompletionItemKind.Property,
  getter: monaco.languages.CompletionItemKind.Property,
  function: monaco.languages.CompletionItemKind.Function,
  'local function': monaco.languages.CompletionItemKind.Function,
  var: monaco.languages.CompletionItemKind.Variable,
  let: monaco.languages.CompletionItemKind.Variable,
  const: monaco.languages.CompletionItemKind.Constant,
  'local var': monaco.languages.CompletionItemKind.Variable,
  keyword: monaco.languages.CompletionItemKind.Keyword,
  interface: monaco.languages.CompletionItemKind.Interface,
  class: monaco.languages.CompletionItemKind.Class,
  type: monaco.languages.CompletionItemKind.TypeParameter,
  module: monaco.languages.CompletionItemKind.Module,
};

interface CompletionEntry {
  name: string;
  kind: string;
  sortText: string;
}

const provider: monaco.languages.CompletionItemProvider = {
  triggerCharacters: ['.'],
  async provideCompletionItems(model, position) {
    const link = links.get(model.uri.toString());
    if (!link) return { suggestions: [] };
    const worker = await workerFor(link.hidden);
    if (model.isDisposed() || link.hidden.isDisposed()) return { suggestions: [] };
    let info: { entries?: CompletionEntry[] } | undefined;
    try {
      info = (await worker.getCompletionsAtPosition(link.hidden.uri.toString(), link.source.offset + model.getOffsetAt(position))) as typeof info;
    } catch (error) {
      // Disposed while the worker answered (see checkField): nothing to complete.
      if (model.isDisposed() || link.hidden.isDisposed()) return { suggestions: [] };
      throw error;
    }
    const word = model.getWordUntilPosition(position);
    const range = new monaco.Range(position.lineNumber, word.startColumn, position.lineNumber, word.endColumn);
    // The hidden module's own names (`__field`) are not the user's.
    const entries = (info?.entries ?? []).filter((e) => !e.name.startsWith('__'));
    return {
      suggestions: entries.map((e) => ({ label: e.name, kind: KINDS[e.kind] ?? monaco.languages.CompletionItemKind.Text, insertText: e.name, sortText: e.sortText, range })),
    };
  },
};

for (const language of [EXPR_LANGUAGE, TEMPLATE_LANGUAGE]) {
  monaco.languages.register({ id: language });
  monaco.languages.registerCompletionItemProvider(language, provider);
}

const flatten = (message: string | { messageText: string; next?: unknown[] }): string => (typeof message === 'string' ? message : message.messageText);

/** TypeScript's errors inside the field, as markers on the visible model (the squiggles). */
export async function checkField(model: monaco.editor.ITextModel): Promise<void> {
  const link = links.get(model.uri.toString());
  if (!link) return;
  const worker = await workerFor(link.hidden);
  // The form may have gone (another node selected) while the worker was fetched: its hidden
  // module is then gone from the worker too, and asking about it fails.
  if (model.isDisposed() || link.hidden.isDisposed()) return;
  const file = link.hidden.uri.toString();
  let syntactic: Awaited<ReturnType<typeof worker.getSyntacticDiagnostics>>;
  let semantic: typeof syntactic;
  try {
    [syntactic, semantic] = await Promise.all([worker.getSyntacticDiagnostics(file), worker.getSemanticDiagnostics(file)]);
  } catch (error) {
    if (model.isDisposed() || link.hidden.isDisposed()) return;
    throw error;
  }
  if (model.isDisposed()) return;
  const length = model.getValueLength();
  const markers: monaco.editor.IMarkerData[] = [];
  for (const d of [...syntactic, ...semantic]) {
    if (d.start === undefined) continue;
    // Only what lies in the field (an error at its very end, "expression expected", counts too).
    const start = d.start - link.source.offset;
    if (start < 0 || start > length) continue;
    const end = Math.min(length, start + Math.max(1, d.length ?? 1));
    const from = model.getPositionAt(start);
    const to = model.getPositionAt(end === start ? end : end);
    markers.push({
      severity: d.category === 1 ? monaco.MarkerSeverity.Error : monaco.MarkerSeverity.Warning,
      message: flatten(d.messageText),
      startLineNumber: from.lineNumber,
      startColumn: from.column,
      endLineNumber: to.lineNumber,
      endColumn: Math.max(to.column, from.column + 1),
    });
  }
  monaco.editor.setModelMarkers(model, 'wsflow-field', markers);
}

export { monaco };
