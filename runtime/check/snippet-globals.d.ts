/**
 * A small, strict subset of the Node globals a snippet may use without an import. `wsflow
 * validate` first checks snippets against this file instead of all of @types/node, which is about
 * a second faster cold; when that finds any error it checks again with @types/node and reports
 * that result, so these declarations only decide how fast a valid flow passes, never what fails.
 * Keep every declaration here narrower than (or equal to) @types/node.
 */
interface WsflowTimer {
  ref(): WsflowTimer;
  unref(): WsflowTimer;
  hasRef(): boolean;
  refresh(): WsflowTimer;
}
interface WsflowConsole {
  log(...data: unknown[]): void;
  info(...data: unknown[]): void;
  warn(...data: unknown[]): void;
  error(...data: unknown[]): void;
  debug(...data: unknown[]): void;
}
declare var console: WsflowConsole;
declare function setTimeout(callback: () => void, ms?: number): WsflowTimer;
declare function setInterval(callback: () => void, ms?: number): WsflowTimer;
declare function setImmediate(callback: () => void): WsflowTimer;
declare function clearTimeout(timer: WsflowTimer | undefined): void;
declare function clearInterval(timer: WsflowTimer | undefined): void;
declare function clearImmediate(timer: WsflowTimer | undefined): void;
declare function queueMicrotask(callback: () => void): void;
declare function structuredClone<T>(value: T): T;
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string);
  decode(input?: Uint8Array | ArrayBuffer): string;
}
