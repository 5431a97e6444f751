/**
 * The suite's waiting helpers: wait for something observable instead of sleeping. Both are
 * bounded in time and so in count, and fail naming `what` they waited for.
 */
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Resolves with the first truthy value `check` returns; fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs = 10_000, intervalMs = 10): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await pause(intervalMs);
  }
}

/**
 * The suite's one deliberate wait, for tests whose point is that something does NOT happen
 * (no message, no close, no second prompt): watches `happened` for `windowMs` and fails as soon
 * as it is truthy. Only a window can prove an absence; every use says why in a comment.
 */
export async function nothingWithin(what: string, happened: () => unknown, windowMs: number, intervalMs = 10): Promise<void> {
  const deadline = Date.now() + windowMs;
  for (;;) {
    if (await happened()) throw new Error(`${what} happened within ${windowMs} ms`);
    const left = deadline - Date.now();
    if (left <= 0) return;
    await pause(Math.min(intervalMs, left));
  }
}
