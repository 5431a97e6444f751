import { describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait.ts';
import { CLOSE_PROMPT_BUTTONS, CLOSE_PROMPT_CANCEL_ID, UnsavedGuard, choiceFromResponse, closePromptMessage, type CloseChoice } from '../../electron/unsaved-guard.ts';

function guardWith(choice: CloseChoice, onSave?: (guard: UnsavedGuard) => void, saveTimeoutMs = 2000) {
  const log: string[] = [];
  const guard: UnsavedGuard = new UnsavedGuard({
    ask: async (state) => {
      log.push(`ask ${state.path ?? 'untitled'}`);
      return choice;
    },
    requestSave: () => {
      log.push('save');
      onSave?.(guard);
    },
    cancelled: () => log.push('cancelled'),
    saveTimeoutMs,
  });
  return { guard, log };
}

/** Waits for the log to reach its final length (the prompt settles asynchronously). */
const settled = (log: string[], entries: number) => waitFor(`${entries} log entries`, () => log.length >= entries);

describe('unsaved-changes prompt', () => {
  it('lets a clean document go at once, without asking', () => {
    const { guard, log } = guardWith('cancel');
    expect(guard.confirmLeave(() => log.push('proceed'))).toBe(true);
    expect(log).toEqual([]);
  });

  it('holds a dirty document and proceeds after "Don\'t Save"', async () => {
    const { guard, log } = guardWith('discard');
    guard.setDocumentState({ dirty: true, path: '/a/chat.wsflow.yaml' });
    expect(guard.confirmLeave(() => log.push('proceed'))).toBe(false);
    await settled(log, 2);
    expect(log).toEqual(['ask /a/chat.wsflow.yaml', 'proceed']);
  });

  it('stays after Cancel', async () => {
    const { guard, log } = guardWith('cancel');
    guard.setDocumentState({ dirty: true });
    expect(guard.confirmLeave(() => log.push('proceed'))).toBe(false);
    await settled(log, 2);
    expect(log).toEqual(['ask untitled', 'cancelled']);
  });

  it('proceeds after Save once the renderer reports the document clean', async () => {
    // The renderer answers the save request later, as over IPC.
    const { guard, log } = guardWith('save', (g) => void Promise.resolve().then(() => g.setDocumentState({ dirty: false, path: '/a/x.wsflow.yaml' })));
    guard.setDocumentState({ dirty: true });
    guard.confirmLeave(() => log.push('proceed'));
    await settled(log, 3);
    expect(log).toEqual(['ask untitled', 'save', 'proceed']);
  });

  it('stays when the save does not happen (Save As cancelled)', async () => {
    const { guard, log } = guardWith('save', undefined, 50);
    guard.setDocumentState({ dirty: true });
    guard.confirmLeave(() => log.push('proceed'));
    await settled(log, 3);
    expect(log).toEqual(['ask untitled', 'save', 'cancelled']);
  });

  it('asks once even when close is requested repeatedly while the prompt is open', async () => {
    const { guard, log } = guardWith('discard');
    guard.setDocumentState({ dirty: true });
    guard.confirmLeave(() => log.push('proceed'));
    guard.confirmLeave(() => log.push('proceed'));
    // Once the prompt has settled (proceed ran), a second ask would have come before it.
    await settled(log, 2);
    expect(log).toEqual(['ask untitled', 'proceed']);
  });

  it('maps the native dialog buttons and words the question', () => {
    expect(CLOSE_PROMPT_BUTTONS[CLOSE_PROMPT_CANCEL_ID]).toBe('Cancel');
    expect([0, 1, 2, -1].map(choiceFromResponse)).toEqual(['save', 'discard', 'cancel', 'cancel']);
    expect(closePromptMessage({ dirty: true, path: 'C:\\flows\\chat.wsflow.yaml' }).message).toBe('Do you want to save the changes you made to chat.wsflow.yaml?');
    expect(closePromptMessage({ dirty: true }).message).toContain('this flow');
  });
});
