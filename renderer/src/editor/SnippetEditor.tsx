/**
 * The snippet editor: one Monaco instance, one model per node (so each node keeps its own undo
 * stack and the TypeScript worker sees each snippet as its own module).
 */
import { useEffect, useRef, useState } from 'react';
import type * as Monaco from 'monaco-editor';
import { useStudio } from '../store.ts';

import { loadMonaco, type MonacoSetup as Setup } from './load-monaco.ts';

export interface SnippetEditorProps {
  nodeId: string;
  code: string;
  onChange: (code: string) => void;
}

export function SnippetEditor({ nodeId, code, onChange }: SnippetEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const editorRef = useRef<Monaco.editor.IStandaloneCodeEditor | undefined>(undefined);
  const setupRef = useRef<Setup | undefined>(undefined);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  const applyingRef = useRef(false);
  const [ready, setReady] = useState(false);
  const theme = useStudio((s) => s.theme);
  const jump = useStudio((s) => s.editorJump);

  // Create the editor once.
  useEffect(() => {
    let disposed = false;
    void loadMonaco().then((setup) => {
      if (disposed || !host.current) return;
      setupRef.current = setup;
      const editor = setup.monaco.editor.create(host.current, {
        model: null,
        automaticLayout: true,
        minimap: { enabled: false },
        fontSize: 13,
        lineHeight: 20,
        fontFamily: "'JetBrains Mono', 'Cascadia Code', 'Fira Code', Menlo, Consolas, 'DejaVu Sans Mono', monospace",
        scrollBeyondLastLine: false,
        wordWrap: 'on',
        tabSize: 2,
        renderLineHighlight: 'line',
        fixedOverflowWidgets: true,
        padding: { top: 8, bottom: 8 },
        theme: useStudio.getState().theme === 'dark' ? 'wsflow-dark' : 'wsflow-light',
      });
      editor.onDidChangeModelContent(() => {
        if (applyingRef.current) return;
        onChangeRef.current(editor.getValue());
      });
      editorRef.current = editor;
      setReady(true);
    });
    return () => {
      disposed = true;
      editorRef.current?.dispose();
      editorRef.current = undefined;
    };
  }, []);

  // Show the model of the selected node; keep it in step with the document (undo, rename...).
  useEffect(() => {
    const setup = setupRef.current;
    const editor = editorRef.current;
    if (!ready || !setup || !editor) return;
    const uri = setup.snippetUri(nodeId);
    let model = setup.monaco.editor.getModel(uri);
    if (!model) model = setup.monaco.editor.createModel(code, 'typescript', uri);
    else if (model.getValue() !== code) {
      applyingRef.current = true;
      model.pushEditOperations([], [{ range: model.getFullModelRange(), text: code }], () => null);
      applyingRef.current = false;
    }
    if (editor.getModel() !== model) editor.setModel(model);
  }, [ready, nodeId, code]);

  useEffect(() => {
    setupRef.current?.monaco.editor.setTheme(theme === 'dark' ? 'wsflow-dark' : 'wsflow-light');
  }, [ready, theme]);

  useEffect(() => {
    const editor = editorRef.current;
    if (!ready || !editor || !jump || jump.nodeId !== nodeId) return;
    editor.setPosition({ lineNumber: jump.line, column: jump.col });
    editor.revealLineInCenter(jump.line);
    editor.focus();
  }, [ready, jump, nodeId]);

  return (
    // `nokey`: React Flow ignores keys typed here. Monaco types into a `div.native-edit-context`,
    // which React Flow does not see as an input, so its Space (pan) handler ate every space.
    <div className="snippet-editor nokey" data-testid="snippet-editor">
      {!ready && <div className="snippet-editor__loading">Loading editor…</div>}
      <div ref={host} className="snippet-editor__host" />
    </div>
  );
}
