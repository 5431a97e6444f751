/**
 * What snippets must not reach, removed from the `process` object they share with the engine:
 * ending or signalling the whole server (`kill`, `exit`, `abort`, ...), native addons and
 * internal bindings (through which a MessagePort or raw handles could be found again), and the
 * list of live handles (which holds the engine's private channel). Called once, before any
 * snippet loads. This is a fence against accidents and the obvious abuse, not a sandbox: the
 * snippet capability list in docs/security.md says what stays reachable.
 */
const FORBIDDEN = ['kill', 'exit', 'reallyExit', 'abort', '_kill', 'dlopen', 'binding', '_linkedBinding', '_getActiveHandles', '_getActiveRequests'] as const;

export function confineProcess(): void {
  for (const name of FORBIDDEN) {
    if (!(name in process)) continue;
    const refuse = () => {
      throw new Error(`process.${name}() is not available in a snippet: the handler host is shared by every connection`);
    };
    // Not writable, not configurable: a snippet cannot put the original back.
    Object.defineProperty(process, name, { value: refuse, writable: false, configurable: false, enumerable: false });
  }
}
