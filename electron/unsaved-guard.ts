/**
 * The unsaved-changes prompt. The renderer reports its document state over IPC; when the window
 * is asked to close (or the shell must load another folder) while the document is dirty, the
 * action is held, the user is asked (Save / Don't Save / Cancel), and the action runs only once
 * that is settled: after Don't Save, or after a save that leaves the document clean.
 */
import type { DocumentState } from './desktop-api.ts';

export type CloseChoice = 'save' | 'discard' | 'cancel';

/** Buttons of the native prompt, in order; `choiceFromResponse` maps the index back. */
export const CLOSE_PROMPT_BUTTONS = ['Save', "Don't Save", 'Cancel'] as const;
export const CLOSE_PROMPT_CANCEL_ID = 2;

export function choiceFromResponse(response: number): CloseChoice {
  if (response === 0) return 'save';
  if (response === 1) return 'discard';
  return 'cancel';
}

export function closePromptMessage(state: DocumentState): { message: string; detail: string } {
  const name = state.path ? state.path.split(/[\\/]/).pop() : 'this flow';
  return {
    message: `Do you want to save the changes you made to ${name}?`,
    detail: "Your changes will be lost if you don't save them.",
  };
}

export interface UnsavedGuardOptions {
  /** Show the prompt; resolves to the user's choice. */
  ask(state: DocumentState): Promise<CloseChoice>;
  /** Ask the renderer to save (sends the `file.save` menu command). */
  requestSave(): void;
  /** Called when the user cancels (or the save does not happen), so a pending quit is abandoned. */
  cancelled?(): void;
  /** How long to wait for the document to become clean after Save. */
  saveTimeoutMs?: number;
}

export class UnsavedGuard {
  private state: DocumentState = { dirty: false };
  private reported = false;
  private prompting = false;
  private waiters: Array<() => void> = [];

  constructor(private readonly options: UnsavedGuardOptions) {}

  get document(): DocumentState {
    return { ...this.state };
  }

  /** True once the renderer has reported its document state (it uses the desktop API). */
  get informed(): boolean {
    return this.reported;
  }

  /** A fresh page was loaded: nothing unsaved yet (and nothing reported by it yet). */
  reset(): void {
    this.state = { dirty: false };
  }

  setDocumentState(state: DocumentState): void {
    this.reported = true;
    this.state = { ...state };
    if (!state.dirty) {
      const waiters = this.waiters;
      this.waiters = [];
      for (const wake of waiters) wake();
    }
  }

  /**
   * Before the document is left (window close, opening another folder). Returns true when that
   * may happen now. Otherwise returns false (the caller holds the action), asks the user, and
   * calls `proceed` later if the user chose Don't Save, or Save and the save left the document
   * clean.
   */
  confirmLeave(proceed: () => void): boolean {
    if (!this.state.dirty) return true;
    if (!this.prompting) void this.prompt(proceed);
    return false;
  }

  private async prompt(proceed: () => void): Promise<void> {
    this.prompting = true;
    try {
      const choice = await this.options.ask(this.document);
      if (choice === 'cancel') {
        this.options.cancelled?.();
        return;
      }
      if (choice === 'save') {
        const clean = this.whenClean(this.options.saveTimeoutMs ?? 120_000);
        this.options.requestSave();
        if (!(await clean)) {
          // The save was cancelled or failed: keep the window and its changes.
          this.options.cancelled?.();
          return;
        }
      }
      proceed();
    } finally {
      this.prompting = false;
    }
  }

  private whenClean(timeoutMs: number): Promise<boolean> {
    if (!this.state.dirty) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== wake);
        resolve(false);
      }, timeoutMs);
      const wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.waiters.push(wake);
    });
  }
}
