// ESLint flat config: the recommended rules of ESLint and typescript-eslint (not the type-checked preset, which
// builds the whole program and is too slow for CI on two cores). Formatting is prettier's job, not ESLint's.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

// The plain-JS scripts run in Node and hand callbacks to puppeteer's page.evaluate, which run in the page; TypeScript
// files need no list (tsc checks names, and typescript-eslint turns no-undef off for them).
const scriptGlobals = Object.fromEntries(
  [
    ...['console', 'process', 'URL', 'performance'],
    ...['window', 'document', 'navigator', 'requestAnimationFrame', 'Event'],
  ].map((name) => [name, 'readonly']),
);

export default defineConfig(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'public/',
      'bench/results/',
      'bench/.before/',
      'tools/train/checkpoints/',
      'tests/fixtures/',
    ],
  },
  {
    files: ['src/**/*.ts', 'tests/**/*.ts', 'bench/**/*.ts', 'bench/**/*.mjs', 'tools/**/*.mjs', '*.ts', '*.js'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    languageOptions: { globals: scriptGlobals },
    rules: {
      // Dropping a key by destructuring it next to a rest (`const { labels: _, ...rest } = io`) is the idiom here,
      // and tsc's noUnusedLocals accepts it too.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
    },
  },
  {
    files: ['tests/**/*.ts'],
    rules: {
      // Tests call the page harness through `window` from Node (its types live in another bundle) and break
      // manifests field by field on purpose: `any` is the honest type there.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
);
