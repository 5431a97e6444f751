/**
 * The suite's one polling helper: wait for something observable instead of sleeping. Bounded in
 * time (`timeoutMs`) and so in count; resolves with the first truthy value `check` returns, and
 * fails naming `what` it waited for.
 */
export async function waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs = 10_000, intervalMs = 10): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
