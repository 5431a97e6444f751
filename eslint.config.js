// Lint: defects the type checker cannot see (floating promises, unsafe `any` flow, misused
// promises), React hook rules, no import cycles, and the layers of the house (docs/architecture.md).
// Formatting is not linted. The layer table lives in eslint/layers.js so the fixture test
// (test/lint/) and this file read the same rules.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import { importX, createNodeResolver } from 'eslint-plugin-import-x';
import boundaries from 'eslint-plugin-boundaries';
import globals from 'globals';
import { builtinModules } from 'node:module';
import { ELEMENTS, POLICIES } from './eslint/layers.js';

const TS = ['**/*.ts', '**/*.tsx', '**/*.mts'];
const JS = ['**/*.js', '**/*.mjs', '**/*.cjs'];

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      'docs/**',
      'test/golden/**',
      'test/corpus/**',
      'bench/results/**',
      // Deliberately broken files: only the fixture test lints them (test/lint/layers.test.ts).
      'test/lint/fixtures/**',
      '**/*.d.ts',
    ],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  js.configs.recommended,
  {
    files: TS,
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        // Each file is checked against its own tsconfig (root, renderer/, electron/, test/e2e/).
        projectService: { allowDefaultProject: ['renderer/vite.config.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // `_name` marks a parameter kept for its position in a callback signature.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Style, not defects: an `async` function without `await` still returns a promise as its
      // interface asks, and an assertion the checker finds redundant changes nothing at run time.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      // `onClick={async () => ...}` is how React handlers start async work; promises passed where
      // a callback's result is used (and floating promises) are still errors.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
    },
  },
  {
    // desktop-csp.test.ts runs in the browser-test project (test/e2e/tsconfig.json), which the
    // project service would not find from its folder.
    files: ['test/electron/desktop-csp.test.ts'],
    languageOptions: { parserOptions: { projectService: false, project: ['test/e2e/tsconfig.json'] } },
  },
  {
    // Tests read parsed YAML/JSON documents field by field; a wrong field fails the test itself.
    files: ['test/**'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // Stand-ins build nested objects that call back into the fake (test/electron).
      '@typescript-eslint/no-this-alias': 'off',
    },
  },
  {
    files: JS,
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      // Zustand actions are closures read with a selector (`useStudio((s) => s.set)`), not
      // methods that need `this`.
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    files: [...TS, ...JS],
    plugins: { 'import-x': importX, boundaries },
    settings: {
      // import-x reads only files it knows how to parse: TypeScript included, or no-cycle would
      // not see a single edge. Imports name their extension, so the Node resolver finds them.
      'import-x/extensions': ['.ts', '.tsx', '.mts', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx', '.mts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.mts', '.js', '.mjs', '.json'] })],
      'import/resolver': { node: { extensions: ['.ts', '.tsx', '.mts', '.js', '.mjs'] } },
      'boundaries/elements': ELEMENTS,
      // `mode: 'full'` (whole-path patterns, first match wins) is what eslint/layers.js needs;
      // v7 calls it legacy but keeps it.
      'boundaries/legacy-warnings': false,
      'boundaries/include': ['runtime/**', 'renderer/**', 'electron/**', 'test/**', 'bench/**', 'bin/**', 'build/**'],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'boundaries/dependencies': ['error', { default: 'disallow', policies: POLICIES }],
      // Every file under runtime/ (and the apps) belongs to a declared layer: a new folder must
      // be added to eslint/layers.js, which is where its allowed imports are decided.
      'boundaries/no-unknown-files': 'error',
    },
  },
  {
    // Code that also runs in the browser (the model, the contracts and protocols the renderer
    // shares, the pure chain compiler) and the renderer itself: no Node built-ins, no sockets.
    files: [
      'runtime/model/**',
      'runtime/lowcode/**',
      'runtime/engine/contracts.ts',
      'runtime/flowtest/types.ts',
      'runtime/flowtest/parse.ts',
      'runtime/flowtest/match.ts',
      'runtime/flowtest/record.ts',
      'runtime/studio/protocol.ts',
      'renderer/**',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'ws', message: 'Browser-safe code: no Node sockets.' },
            { name: 'electron', message: 'Only the desktop shell (electron/) talks to Electron.' },
          ],
          patterns: [{ group: ['node:*', ...builtinModules], message: 'Browser-safe code: no Node built-ins.' }],
        },
      ],
    },
  },
);
