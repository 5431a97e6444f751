/** Small form controls of the inspector, with inline messages. */
import { useEffect, useState, type ReactNode } from 'react';

/**
 * A labelled form row. With `labelId` it is a group named by its label instead of a `<label>`:
 * for a control that is no form element (the one-line Monaco editor), where a `<label>` would
 * re-send each click to its first form control and pull the focus out of the editor.
 */
export function Field({ label, error, hint, labelId, children }: { label: string; error?: string | undefined; hint?: string; labelId?: string; children: ReactNode }) {
  const message = error ? <span className="field__error" role="alert">{error}</span> : hint ? <span className="field__hint">{hint}</span> : null;
  if (labelId) {
    return (
      <div className={`field ${error ? 'field--error' : ''}`} role="group" aria-labelledby={labelId}>
        <span className="field__label" id={labelId}>{label}</span>
        {children}
        {message}
      </div>
    );
  }
  return (
    <label className={`field ${error ? 'field--error' : ''}`}>
      <span className="field__label">{label}</span>
      {children}
      {message}
    </label>
  );
}

/** A text input that reports every keystroke (the store coalesces them into one undo step). */
export function TextInput(props: { value: string | undefined; onChange: (value: string) => void; placeholder?: string; testId?: string; mono?: boolean }) {
  return (
    <input
      className={`input ${props.mono ? 'input--mono' : ''}`}
      value={props.value ?? ''}
      placeholder={props.placeholder}
      data-testid={props.testId}
      spellCheck={false}
      onChange={(e) => props.onChange(e.target.value)}
    />
  );
}

/** A text input that commits on Enter or blur (for ids, where each keystroke would rename). */
export function CommitInput(props: { value: string; onCommit: (value: string) => string | undefined; testId?: string }) {
  const [draft, setDraft] = useState(props.value);
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    setDraft(props.value);
    setError(undefined);
  }, [props.value]);
  const commit = () => {
    if (draft === props.value) return;
    const refusal = props.onCommit(draft.trim());
    setError(refusal);
  };
  return (
    <>
      <input
        className="input input--mono"
        value={draft}
        data-testid={props.testId}
        spellCheck={false}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
          if (e.key === 'Escape') setDraft(props.value);
        }}
      />
      {error && <span className="field__error" role="alert">{error}</span>}
    </>
  );
}

/**
 * A number input; empty means "not set" (the default applies), unless `required`: then an emptied
 * field keeps the last valid value and says so. Text that is not a number is never applied.
 */
export function NumberInput(props: { value: number | undefined; onChange: (value: number | undefined) => void; placeholder?: string; testId?: string; required?: boolean }) {
  const [draft, setDraft] = useState(props.value === undefined ? '' : String(props.value));
  useEffect(() => {
    if (Number(draft) !== props.value || draft === '') setDraft(props.value === undefined ? '' : String(props.value));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.value]);
  const text = draft.trim();
  const invalid = text !== '' && !/^-?\d+(\.\d+)?$/.test(text);
  const emptied = props.required === true && text === '';
  const note = invalid ? 'Not a number; the last valid value is kept.' : emptied ? `Needs a value; keeping ${props.value ?? 'the default'}.` : undefined;
  return (
    <>
      <input
        className={`input input--mono ${note ? 'input--invalid' : ''}`}
        inputMode="numeric"
        value={draft}
        placeholder={props.placeholder}
        data-testid={props.testId}
        aria-invalid={!!note}
        onChange={(e) => {
          setDraft(e.target.value);
          const next = e.target.value.trim();
          if (next === '') {
            if (!props.required) props.onChange(undefined);
          } else if (/^-?\d+(\.\d+)?$/.test(next)) props.onChange(Number(next));
        }}
        onBlur={() => {
          if (note) setDraft(props.value === undefined ? '' : String(props.value));
        }}
      />
      {note && <span className="field__error" role="alert" data-testid={props.testId ? `${props.testId}-note` : undefined}>{note}</span>}
    </>
  );
}
