/** Small form controls of the inspector, with inline messages. */
import { useEffect, useState, type ReactNode } from 'react';

export function Field({ label, error, hint, children }: { label: string; error?: string | undefined; hint?: string; children: ReactNode }) {
  return (
    <label className={`field ${error ? 'field--error' : ''}`}>
      <span className="field__label">{label}</span>
      {children}
      {error ? <span className="field__error" role="alert">{error}</span> : hint ? <span className="field__hint">{hint}</span> : null}
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

/** A number input; empty means "not set" (the default applies). */
export function NumberInput(props: { value: number | undefined; onChange: (value: number | undefined) => void; placeholder?: string; testId?: string }) {
  const [draft, setDraft] = useState(props.value === undefined ? '' : String(props.value));
  useEffect(() => {
    if (Number(draft) !== props.value || draft === '') setDraft(props.value === undefined ? '' : String(props.value));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.value]);
  const invalid = draft.trim() !== '' && !/^-?\d+(\.\d+)?$/.test(draft.trim());
  return (
    <>
      <input
        className={`input input--mono ${invalid ? 'input--invalid' : ''}`}
        inputMode="numeric"
        value={draft}
        placeholder={props.placeholder}
        data-testid={props.testId}
        aria-invalid={invalid}
        onChange={(e) => {
          setDraft(e.target.value);
          const text = e.target.value.trim();
          if (text === '') props.onChange(undefined);
          else if (/^-?\d+(\.\d+)?$/.test(text)) props.onChange(Number(text));
        }}
      />
      {invalid && <span className="field__error" role="alert">Not a number; the last valid value is kept.</span>}
    </>
  );
}
