import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { architecture } from './lint/architecture.js';

/**
 * Lint enforces the architecture of DEVELOPERS.md, not only style:
 * - stage order between src/ folders (lint/architecture.js has the ranks), web/src talks to the server
 *   only through src/server/api-types.ts;
 * - only src/git runs processes (child_process);
 * - only src/env.ts reads the environment (every variable documented there);
 * - only the owner of a table family queries it (lint/architecture.js TABLE_OWNERS);
 * - bench uses the library, never the CLI;
 * - type-aware: no floating promises, exhaustive switches, type-only imports written as such.
 * Import cycles and unused exports are checked over the whole module graph by lint/modules.ts.
 */
const CHILD_PROCESS = {
  paths: [
    { name: 'child_process', message: 'Only src/git runs processes: add an operation there.' },
    { name: 'node:child_process', message: 'Only src/git runs processes: add an operation there.' },
  ],
};

export default tseslint.config(
  { ignores: ['bench/scratch/**', 'dist/**', 'node_modules/**', 'coverage/**', 'bench/out/**', 'web/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    plugins: { architecture },
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      'architecture/stage-order': 'error',
      'architecture/table-owner': 'error',
      'no-restricted-imports': ['error', CHILD_PROCESS],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read the environment through src/env.ts, where every variable is documented.' },
      ],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  { files: ['src/git/**/*.ts'], rules: { 'no-restricted-imports': 'off' } },
  { files: ['src/env.ts'], rules: { 'no-restricted-properties': 'off' } },
  {
    files: ['web/src/**/*.ts', 'web/src/**/*.tsx'],
    plugins: { architecture },
    rules: { 'architecture/web-boundary': 'error' },
  },
  {
    files: ['bench/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/src/cli/**', '**/src/cli'], message: 'bench uses the library face (src/index.ts), never the CLI.' }] },
      ],
    },
  },
  {
    files: ['bin/**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
