/** Validation by the backend (debounced while editing) and jumping from a problem to its place. */
import { COMPONENT_SUFFIX, parseComponent } from '../../../runtime/model/components.ts';
import { parseFlow } from '../../../runtime/model/parse.ts';
import type { Problem } from '../../../runtime/model/types.ts';
import { kindOfSpec, type KindSpec } from '../../../runtime/model/package-kinds.ts';
import { setPackageKinds } from '../../../runtime/model/registry.ts';
import { errorMessage } from '../client.ts';
import { snippetLineOf } from '../model/snippets.ts';
import type { ServiceDeps } from './deps.ts';

const VALIDATE_DELAY_MS = 600;

export function createChecks({ client, store }: ServiceDeps, currentText: () => string) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let seq = 0;
  /** The text the store's problems were found in (undefined: never checked). */
  let checkedText: string | undefined;

  function scheduleValidate(): void {
    clearTimeout(timer);
    // A big flow takes the backend seconds to type check: check it less often while editing.
    const delay = VALIDATE_DELAY_MS + Math.min(5000, store.getState().flow.nodes.length * 8);
    timer = setTimeout(() => void validateNow(), delay);
  }

  /** The problems of the current text, type check included: checks now unless the last check saw this text. */
  async function problemsNow(): Promise<Problem[]> {
    if (checkedText === currentText() && !store.getState().validating) return store.getState().problems;
    clearTimeout(timer);
    return validateNow();
  }

  /** The backend's problems for the current text; a failed check says so in the status bar. */
  async function validateNow(): Promise<Problem[]> {
    const mine = ++seq;
    const state = store.getState();
    const path = state.path;
    state.set({ validating: true });
    const text = currentText();
    if (path?.endsWith(COMPONENT_SUFFIX)) {
      // A component file open as the document: the flow rules (reached from a handler, no output
      // nodes) do not apply; its own format's are checked here, the rest when the flow using it is.
      const { problems } = parseComponent(text, path);
      checkedText = text;
      store.getState().set({ problems, validating: false, validateError: undefined });
      return problems;
    }
    try {
      const { problems, kinds } = await client.call('validate', { text, typecheck: true, ...(path ? { path } : {}) });
      if (mine === seq) {
        takePackageSpecs(kinds);
        checkedText = text;
        store.getState().set({ problems, validating: false, validateError: undefined });
      }
      // The scale test waits for this mark: it times the canvas once the backend's check is done.
      performance.mark('wsflow:checked');
      return problems;
    } catch (error) {
      if (mine === seq) store.getState().set({ validating: false, validateError: errorMessage(error) });
      return [];
    }
  }

  /** Select the node of a problem and, for snippet problems, put the editor cursor on its line. */
  function jumpToProblem(problem: Problem): void {
    const state = store.getState();
    if (!problem.nodeId || !state.flow.nodes.some((n) => n.id === problem.nodeId)) return;
    state.select([problem.nodeId]);
    if (problem.line !== undefined) {
      const fileName = state.path ?? 'untitled.wsflow.yaml';
      const parsed = parseFlow(currentText(), fileName);
      const line = parsed.flow ? snippetLineOf(parsed.flow, parsed.locate, problem.nodeId, problem.line) : undefined;
      if (line !== undefined) state.set({ editorJump: { nodeId: problem.nodeId, line, col: problem.col ?? 1, seq: Date.now() } });
    }
  }

  /** The kinds of the flow's packages, as the studio loaded them: the palette, forms and cards follow. */
  let specsSeen = '[]';
  function takePackageSpecs(kinds: readonly KindSpec[]): void {
    const seen = JSON.stringify(kinds);
    if (seen === specsSeen) return;
    specsSeen = seen;
    setPackageKinds(kinds.map(kindOfSpec));
    store.getState().set({ kindsVersion: store.getState().kindsVersion + 1 });
  }

  return { scheduleValidate, validateNow, problemsNow, jumpToProblem };
}
