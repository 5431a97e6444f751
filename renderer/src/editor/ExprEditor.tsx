/**
 * A one-line Monaco editor for an action node's expression or template field, with the snippet
 * editor's IntelliSense and squiggles (expr-language.ts). Only the selected node's form mounts
 * these, so a 500-node flow still has a handful of editors at most.
 *
 * Keys reach it because (1) the inspector is `nokey` (React Flow's Space-to-pan handler no longer
 * eats spaces typed in Monaco's `native-edit-context`), (2) it is not inside a `<label>`: a click
 * on a label is re-sent to the label's first form control, which took focus away from Monaco's
 * edit context, and (3) the window's command handler sees `.monaco-editor` as typing (commands.ts
 * isTyping).
 *
 * Until Monaco has loaded (its first load takes a moment) the field is a plain `<input>` that takes
 * every key, so a person who selects a node and types at once loses nothing; when the editor is
 * created it starts from that input's text, caret and focus.
 */
import { useEffect, useRef, useState, type Ref } from 'react';
import type * as Monaco from 'monaco-editor';
import { useStudio } from '../store.ts';
import type { FieldLanguage, HiddenSource } from './expr-scope.ts';

type Language = typeof import('./expr-language.ts');
let languagePromise: Promise<Language> | undefined;
const loadLanguage = () => (languagePromise ??= import('./expr-language.ts'));

export interface ExprEditorProps {
  /** The field's text as the document holds it. */
  text: string;
  /** What the document would hold for a typed text, as text: while it equals `text`, the typed text stays. */
  normalize: (typed: string) => string;
  onText: (typed: string) => void;
  language: FieldLanguage;
  source: HiddenSource;
  testId: string;
  /** The id of the field's visible label, and its text (Monaco's own aria label). */
  labelId: string;
  label: string;
  placeholder?: string | undefined;
  invalid?: boolean;
}

const CHECK_DELAY_MS = 250;

export function ExprEditor(props: ExprEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const plain = useRef<HTMLInputElement>(null);
  const live = useRef<{ editor: Monaco.editor.IStandaloneCodeEditor; models: ReturnType<Language['createFieldModels']>; language: Language } | undefined>(undefined);
  const latest = useRef(props);
  latest.current = props;
  const applying = useRef(false);
  const [ready, setReady] = useState(false);
  const theme = useStudio((s) => s.theme);

  useEffect(() => {
    let disposed = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    void loadLanguage().then((language) => {
      const el = host.current;
      if (disposed || !el) return;
      const p = latest.current;
      // What was typed into the plain input meanwhile is the text Monaco starts from.
      const early = plain.current;
      const models = language.createFieldModels(early ? early.value : p.text, p.language === 'template' ? language.TEMPLATE_LANGUAGE : language.EXPR_LANGUAGE, p.source);
      const { monaco } = language;
      const editor = monaco.editor.create(el, {
        model: models.model,
        ariaLabel: p.label,
        ...(p.placeholder ? { placeholder: p.placeholder } : {}),
        automaticLayout: true,
        fontSize: 13,
        lineHeight: 20,
        fontFamily: "'JetBrains Mono', 'Cascadia Code', 'Fira Code', Menlo, Consolas, 'DejaVu Sans Mono', monospace",
        // One line, no chrome: it looks like the text boxes around it.
        lineNumbers: 'off',
        glyphMargin: false,
        folding: false,
        lineDecorationsWidth: 0,
        lineNumbersMinChars: 0,
        minimap: { enabled: false },
        scrollbar: { vertical: 'hidden', horizontal: 'hidden', alwaysConsumeMouseWheel: false },
        overviewRulerLanes: 0,
        overviewRulerBorder: false,
        hideCursorInOverviewRuler: true,
        renderLineHighlight: 'none',
        scrollBeyondLastLine: false,
        scrollBeyondLastColumn: 0,
        wordWrap: 'off',
        contextmenu: false,
        fixedOverflowWidgets: true,
        // Tab leaves the field, as in every other box of the form.
        tabFocusMode: true,
        // '.' types a dot: it never swaps the typed name for the highlighted suggestion.
        acceptSuggestionOnCommitCharacter: false,
        padding: { top: 4, bottom: 4 },
        theme: useStudio.getState().theme === 'dark' ? 'wsflow-dark' : 'wsflow-light',
      });
      // Enter does not add a line (it still picks a suggestion when the list is open).
      editor.addCommand(monaco.KeyCode.Enter, () => undefined, '!suggestWidgetVisible');
      const check = () => {
        clearTimeout(timer);
        timer = setTimeout(() => void language.checkField(models.model), CHECK_DELAY_MS);
      };
      models.model.onDidChangeContent(() => {
        const value = models.model.getValue();
        // A pasted line break becomes a space: the field is one line.
        if (/[\r\n]/.test(value)) {
          models.model.setValue(value.replace(/\r?\n/g, ' '));
          return;
        }
        check();
        if (!applying.current) latest.current.onText(value);
      });
      check();
      if (early) handOver(early, editor, monaco);
      live.current = { editor, models, language };
      setReady(true);
    });
    return () => {
      disposed = true;
      clearTimeout(timer);
      live.current?.editor.dispose();
      live.current?.models.dispose();
      live.current = undefined;
    };
  }, []);

  // A change from elsewhere (undo, another node's value): replace the text, keeping the undo stack.
  useEffect(() => {
    const current = live.current;
    if (!ready || !current) return;
    const model = current.models.model;
    if (props.normalize(model.getValue()) === props.text) return;
    applying.current = true;
    model.pushEditOperations([], [{ range: model.getFullModelRange(), text: props.text }], () => null);
    applying.current = false;
    // props.normalize is a new function each render; only a new text may replace what is typed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ready, props.text]);

  useEffect(() => {
    live.current?.models.setSource(props.source);
    if (live.current) void live.current.language.checkField(live.current.models.model);
  }, [ready, props.source]);

  useEffect(() => {
    live.current?.language.monaco.editor.setTheme(theme === 'dark' ? 'wsflow-dark' : 'wsflow-light');
  }, [ready, theme]);

  return (
    <div
      className={`expr-editor input input--mono ${props.invalid ? 'input--invalid' : ''}`}
      data-testid={props.testId}
      aria-labelledby={props.labelId}
      tabIndex={-1}
      // Focused from outside (a runtime error's field): the caret goes into Monaco.
      onFocus={(e) => {
        if (e.target !== e.currentTarget) return;
        if (live.current) live.current.editor.focus();
        else plain.current?.focus();
      }}
    >
      {!ready && <PlainField ref={plain} {...props} />}
      <div ref={host} className={`expr-editor__host ${ready ? '' : 'expr-editor__host--pending'}`} />
    </div>
  );
}

/** Monaco takes over from the plain input: its selection, and the focus if the input had it. */
function handOver(input: HTMLInputElement, editor: Monaco.editor.IStandaloneCodeEditor, monaco: Language['monaco']) {
  const start = input.selectionStart ?? input.value.length;
  const end = input.selectionEnd ?? start;
  // Backward selections (Shift+Left) keep their direction: the caret stays where the person left it.
  const [anchor, caret] = input.selectionDirection === 'backward' ? [end, start] : [start, end];
  editor.setSelection(new monaco.Selection(1, anchor + 1, 1, caret + 1));
  if (input.ownerDocument.activeElement === input) editor.focus();
}

/**
 * The field while Monaco loads: a one-line input that edits the document like the editor will.
 * A change from elsewhere (undo) replaces its text unless it already means the same.
 */
function PlainField({ ref, text, normalize, onText, labelId, placeholder }: ExprEditorProps & { ref: Ref<HTMLInputElement> }) {
  const [draft, setDraft] = useState(text);
  if (normalize(draft) !== text && draft !== text) setDraft(text);
  return (
    <input
      ref={ref}
      className="expr-editor__plain"
      value={draft}
      aria-labelledby={labelId}
      placeholder={placeholder}
      spellCheck={false}
      autoComplete="off"
      onChange={(e) => {
        setDraft(e.target.value);
        onText(e.target.value);
      }}
    />
  );
}
