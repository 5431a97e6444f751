/**
 * Monaco, bundled locally (no CDN): workers come from the bundle, the handler API `.d.ts` is an
 * extra lib so snippets get IntelliSense and type errors as squiggles. Loaded lazily the first
 * time a code editor appears, so the canvas starts fast.
 */
import * as monaco from 'monaco-editor';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import TsWorker from 'monaco-editor/language/typescript/ts.worker?worker';
import handlerApi from '../../../runtime/api/wsflow-handler-api.d.ts?raw';
import { useStudio } from '../store.ts';

declare global {
  interface Window {
    MonacoEnvironment?: { getWorker(workerId: string, label: string): Worker };
  }
}

window.MonacoEnvironment = {
  getWorker(_workerId, label) {
    if (label === 'typescript' || label === 'javascript') return new TsWorker();
    return new EditorWorker();
  },
};

const ts = monaco.typescript;
ts.typescriptDefaults.setCompilerOptions({
  target: ts.ScriptTarget.ESNext,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.NodeJs,
  // Snippets run in the engine's worker, not a browser: no DOM globals.
  lib: ['es2022'],
  strict: true,
  noEmit: true,
  allowNonTsExtensions: true,
  isolatedModules: true,
});
ts.typescriptDefaults.setDiagnosticsOptions({ noSemanticValidation: false, noSyntaxValidation: false });
ts.typescriptDefaults.setEagerModelSync(true);
ts.typescriptDefaults.addExtraLib(handlerApi, 'file:///wsflow/wsflow-handler-api.d.ts');

monaco.editor.defineTheme('wsflow-dark', {
  base: 'vs-dark',
  inherit: true,
  rules: [],
  colors: { 'editor.background': '#141821', 'editorGutter.background': '#141821' },
});
monaco.editor.defineTheme('wsflow-light', {
  base: 'vs',
  inherit: true,
  rules: [],
  colors: { 'editor.background': '#ffffff' },
});

// Another document replaced the current one: drop the old snippet models (their undo stacks and
// diagnostics belong to it). Editors recreate the models of the new document on demand.
useStudio.subscribe((state, previous) => {
  if (state.docSeq === previous.docSeq) return;
  for (const model of monaco.editor.getModels()) {
    if (model.uri.path.startsWith('/wsflow/nodes/')) model.dispose();
  }
});

export { monaco };

/** The model URI of a node's snippet: one module per node, so two snippets never clash. */
export function snippetUri(nodeId: string): monaco.Uri {
  return monaco.Uri.parse(`file:///wsflow/nodes/${encodeURIComponent(nodeId)}.ts`);
}
