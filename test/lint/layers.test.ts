/**
 * The lint rules that keep the house's layers (eslint/layers.js) must be able to fail: each case
 * lints a small source text as if it were a file at `path` inside the repository, with the
 * repository's own eslint.config.js, and expects the named rule to fire (or, for the allowed
 * twin, to stay quiet). Type-aware rules are switched off here: the files do not exist on disk,
 * and these rules only need the import graph.
 */
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.ts';

const eslint = new ESLint({
  cwd: REPO_ROOT,
  // The cycle fixture lives in test/lint/fixtures, which the repository's lint run ignores.
  ignore: false,
  overrideConfig: [
    tseslint.configs.disableTypeChecked,
    { files: ['**/*.ts', '**/*.tsx'], languageOptions: { parserOptions: { projectService: false, project: null } } },
  ],
});

async function rulesFiredFor(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${REPO_ROOT}/${path}` });
  return (result?.messages ?? []).map((m) => m.ruleId ?? `parse error: ${m.message}`);
}

interface Case {
  what: string;
  path: string;
  code: string;
  rule: string;
}

const LAYER = 'boundaries/dependencies';

/** One violation per layer rule, and the closest import that rule allows. */
const VIOLATIONS: [Case, Case][] = [
  [
    { what: 'model imports the engine', path: 'runtime/model/x.ts', code: "export * from '../engine/index.ts';", rule: LAYER },
    { what: 'model imports the model', path: 'runtime/model/x.ts', code: "export * from './types.ts';", rule: LAYER },
  ],
  [
    { what: 'model imports a Node built-in', path: 'runtime/model/x.ts', code: "export { readFileSync } from 'node:fs';", rule: 'no-restricted-imports' },
    { what: 'model imports yaml', path: 'runtime/model/x.ts', code: "export { parse } from 'yaml';", rule: 'no-restricted-imports' },
  ],
  [
    { what: 'engine imports an exporter', path: 'runtime/engine/x.ts', code: "export * from '../export/index.ts';", rule: LAYER },
    { what: 'engine imports the model', path: 'runtime/engine/x.ts', code: "export * from '../model/types.ts';", rule: LAYER },
  ],
  [
    { what: 'engine main thread imports worker code', path: 'runtime/engine/x.ts', code: "export * from './host/state.ts';", rule: LAYER },
    { what: 'engine main thread imports the batch protocol', path: 'runtime/engine/x.ts', code: "export * from './host/protocol.ts';", rule: LAYER },
  ],
  [
    { what: 'worker side imports the main thread', path: 'runtime/engine/host/x.ts', code: "export * from '../contracts.ts';", rule: LAYER },
    { what: 'worker side imports the batch protocol', path: 'runtime/engine/host/x.ts', code: "export * from './protocol.ts';", rule: LAYER },
  ],
  [
    { what: 'engine security imports the studio', path: 'runtime/engine/security/x.ts', code: "export * from '../../studio/files.ts';", rule: LAYER },
    { what: 'engine security imports the model', path: 'runtime/engine/security/x.ts', code: "export * from '../../model/types.ts';", rule: LAYER },
  ],
  [
    { what: 'exporter imports the studio', path: 'runtime/export/x.ts', code: "export * from '../studio/files.ts';", rule: LAYER },
    { what: 'exporter imports the engine', path: 'runtime/export/x.ts', code: "export * from '../engine/contracts.ts';", rule: LAYER },
  ],
  [
    { what: 'importer imports the engine', path: 'runtime/import/x.ts', code: "export * from '../engine/contracts.ts';", rule: LAYER },
    { what: 'importer imports the model', path: 'runtime/import/x.ts', code: "export * from '../model/types.ts';", rule: LAYER },
  ],
  [
    { what: 'check imports the engine', path: 'runtime/check/x.ts', code: "export * from '../engine/contracts.ts';", rule: LAYER },
    { what: 'check imports the model', path: 'runtime/check/x.ts', code: "export * from '../model/types.ts';", rule: LAYER },
  ],
  [
    { what: 'low-code compiler imports the engine', path: 'runtime/lowcode/x.ts', code: "export * from '../engine/contracts.ts';", rule: LAYER },
    { what: 'low-code compiler imports the model', path: 'runtime/lowcode/x.ts', code: "export * from '../model/types.ts';", rule: LAYER },
  ],
  [
    { what: 'flow tests import an exporter', path: 'runtime/flowtest/x.ts', code: "export * from '../export/index.ts';", rule: LAYER },
    { what: 'flow tests import the checker', path: 'runtime/flowtest/x.ts', code: "export * from '../check/index.ts';", rule: LAYER },
  ],
  [
    { what: 'connectors import the studio', path: 'runtime/connectors/x.ts', code: "export * from '../studio/files.ts';", rule: LAYER },
    { what: 'connectors import the engine', path: 'runtime/connectors/x.ts', code: "export * from '../engine/contracts.ts';", rule: LAYER },
  ],
  [
    { what: 'studio imports the CLI', path: 'runtime/studio/x.ts', code: "export * from '../cli/errors.ts';", rule: LAYER },
    { what: 'studio imports the engine', path: 'runtime/studio/x.ts', code: "export * from '../engine/contracts.ts';", rule: LAYER },
  ],
  [
    { what: 'CLI imports the renderer', path: 'runtime/cli/x.ts', code: "export * from '../../renderer/src/store.ts';", rule: LAYER },
    { what: 'CLI imports the studio', path: 'runtime/cli/x.ts', code: "export * from '../studio/server.ts';", rule: LAYER },
  ],
  [
    { what: 'renderer imports the engine', path: 'renderer/src/x.ts', code: "export * from '../../runtime/engine/contracts.ts';", rule: LAYER },
    { what: 'renderer imports the studio protocol', path: 'renderer/src/x.ts', code: "export * from '../../runtime/studio/protocol.ts';", rule: LAYER },
  ],
  [
    { what: 'renderer imports a Node built-in', path: 'renderer/src/x.ts', code: "export { readFileSync } from 'node:fs';", rule: 'no-restricted-imports' },
    { what: 'renderer imports React', path: 'renderer/src/x.ts', code: "export { useState } from 'react';", rule: 'no-restricted-imports' },
  ],
  [
    { what: 'electron imports the model', path: 'electron/x.ts', code: "export * from '../runtime/model/types.ts';", rule: LAYER },
    { what: 'electron imports the studio protocol', path: 'electron/x.ts', code: "export * from '../runtime/studio/protocol.ts';", rule: LAYER },
  ],
  [
    { what: 'electron (not main.ts) starts the studio', path: 'electron/x.ts', code: "export * from '../runtime/studio/server.ts';", rule: LAYER },
    { what: 'electron main.ts starts the studio', path: 'electron/main.ts', code: "export * from '../runtime/studio/server.ts';", rule: LAYER },
  ],
  [
    { what: 'a file in an undeclared runtime/ folder', path: 'runtime/newlayer/x.ts', code: 'export const x = 1;', rule: 'boundaries/no-unknown-files' },
    { what: 'a file in a declared folder', path: 'runtime/lowcode/x.ts', code: 'export const x = 1;', rule: 'boundaries/no-unknown-files' },
  ],
  [
    {
      what: 'a hook called conditionally',
      path: 'renderer/src/x.tsx',
      code: "import { useState } from 'react';\nexport function C(p: { on: boolean }) { if (p.on) useState(0); return null; }",
      rule: 'react-hooks/rules-of-hooks',
    },
    {
      what: 'a hook called at the top',
      path: 'renderer/src/x.tsx',
      code: "import { useState } from 'react';\nexport function C() { useState(0); return null; }",
      rule: 'react-hooks/rules-of-hooks',
    },
  ],
];

describe('lint rules for the layers fail on a violation', () => {
  for (const [bad, good] of VIOLATIONS) {
    it(`${bad.rule}: ${bad.what} (and passes: ${good.what})`, async () => {
      expect(await rulesFiredFor(bad.path, bad.code)).toContain(bad.rule);
      const fired = await rulesFiredFor(good.path, good.code);
      expect(fired).not.toContain(good.rule);
      expect(fired.filter((r) => r.startsWith('parse error'))).toEqual([]);
    });
  }

  it('import-x/no-cycle: two files that import each other (fixtures/cycle)', async () => {
    const results = await eslint.lintFiles(['test/lint/fixtures/cycle/a.ts', 'test/lint/fixtures/cycle/b.ts']);
    for (const result of results) {
      expect(result.messages.map((m) => m.ruleId)).toContain('import-x/no-cycle');
    }
    expect(results).toHaveLength(2);
  });
});
