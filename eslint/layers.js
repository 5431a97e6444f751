// The layers of the house, as lint rules (docs/architecture.md explains each one). Every file
// under runtime/, renderer/ and electron/ must belong to exactly one layer below: a new folder is
// declared here, and this is where its allowed imports are decided.

/** Layer name -> the files it owns. The first match wins, so narrow patterns come first. */
const LAYERS = [
  // The engine's two sides meet only in the batch protocol and its payload encoding.
  ['engine-protocol', ['runtime/engine/host/protocol.ts', 'runtime/engine/host/wire.ts']],
  // locate.ts runs on the main thread: it only says where the worker script is.
  ['engine', 'runtime/engine/host/locate.ts'],
  ['engine-host', 'runtime/engine/host/**'],
  // Types both the engine and its callers speak (events, failures, logs); no code of the engine.
  ['engine-contracts', ['runtime/engine/contracts.ts', 'runtime/engine/contracts/**']],
  ['engine', 'runtime/engine/**'],
  ['model', 'runtime/model/**'],
  ['api', 'runtime/api/**'],
  ['check', 'runtime/check/**'],
  ['export', 'runtime/export/**'],
  ['import', 'runtime/import/**'],
  ['lowcode', 'runtime/lowcode/**'],
  // Flow-test types the studio protocol (and so the designer) shares; no code.
  ['flowtest-contracts', 'runtime/flowtest/types.ts'],
  ['flowtest', 'runtime/flowtest/**'],
  ['connectors', 'runtime/connectors/**'],
  // The protocol and the command table it re-exports (menu ids the desktop shell sends).
  ['studio-protocol', ['runtime/studio/protocol.ts', 'runtime/studio/command-table.ts']],
  // Crash leftovers of atomic saves, swept by the studio's saves and the desktop shell's alike.
  ['stale-temps', 'runtime/studio/stale-temps.ts'],
  // The studio's one entry point (startStudio), for the CLI and the desktop shell.
  ['studio-server', 'runtime/studio/server.ts'],
  ['studio', 'runtime/studio/**'],
  ['cli', 'runtime/cli/**'],
  ['renderer', 'renderer/**'],
  // The shell's composition root: it hosts the studio in-process, so it alone may start it.
  ['electron-main', 'electron/main.ts'],
  ['electron', 'electron/**'],
  // Composition roots and tooling may import any layer.
  ['tools', ['test/**', 'bench/**', 'bin/**', 'build/**', 'eslint/**', '*.config.js', '*.config.ts']],
];

export const ELEMENTS = LAYERS.map(([type, pattern]) => ({ type, pattern, mode: 'full' }));

const ENGINE = ['engine', 'engine-contracts', 'engine-protocol'];
const RUNTIME = ['model', 'api', 'check', 'export', 'import', 'lowcode', 'flowtest', 'flowtest-contracts', 'connectors', 'engine', 'engine-contracts', 'studio-protocol'];

/** Layer -> the layers it may import (besides itself). */
export const ALLOWED = {
  model: [],
  api: [],
  // api: ctx.http's request and response are spelled once, in the handler API (a types-only file).
  'engine-contracts': ['model', 'api'],
  'engine-protocol': ['engine-contracts'],
  'engine-host': ['engine-protocol', 'model'],
  // The chain compiler is pure (model only): chains become snippets before the engine sees them.
  engine: ['model', 'lowcode', 'engine-contracts', 'engine-protocol'],
  // connectors: the exported service runs the same connectors as `wsflow run` (service/main.ts).
  export: ['model', 'lowcode', 'connectors', ...ENGINE],
  import: ['model'],
  check: ['model', 'api', 'lowcode'],
  lowcode: ['model'],
  'flowtest-contracts': [],
  flowtest: ['model', 'check', 'flowtest-contracts', ...ENGINE],
  connectors: ['model', ...ENGINE],
  'studio-protocol': ['model', 'engine-contracts', 'flowtest-contracts'],
  'stale-temps': [],
  'studio-server': ['studio', ...RUNTIME],
  studio: ['studio-server', 'stale-temps', ...RUNTIME],
  cli: [...RUNTIME, 'studio', 'studio-server'],
  // lowcode: "View code" and "Convert to code" run the same pure compiler as the engine.
  renderer: ['model', 'api', 'lowcode', 'studio-protocol'],
  electron: ['studio-protocol', 'stale-temps', 'electron-main'],
  'electron-main': ['electron', 'studio-protocol', 'studio-server'],
  tools: LAYERS.map(([type]) => type),
};

export const POLICIES = [
  ...Object.entries(ALLOWED).map(([from, to]) => ({
    from: { element: { type: from } },
    allow: { to: { element: { types: { anyOf: [from, ...to] } } } },
  })),
];
