// Flat config: typescript-eslint's recommended rules, plus `no-restricted-imports` per folder so
// the layering in docs/architecture.md holds (common → nothing; db/io → common; services → not
// electron; renderer → itself and src-main/common only).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const LAYERS = ['db', 'io', 'ml', 'services', 'main', 'preload', 'cli', 'bench'];

/** Relative or absolute imports of the given src-main folders, from anywhere in src-main. */
function layerPatterns(layers, why) {
  return layers.map((layer) => ({
    group: [`../${layer}`, `../${layer}/**`, `../../${layer}`, `../../${layer}/**`, `../../../${layer}/**`, `**/src-main/${layer}`, `**/src-main/${layer}/**`],
    message: `${why} may not import src-main/${layer} (see docs/architecture.md, "Processes and folders").`,
  }));
}

const NODE_BUILTINS = {
  group: ['node:*', 'fs', 'fs/*', 'path', 'path/*', 'os', 'child_process', 'worker_threads', 'crypto', 'url', 'util', 'stream', 'stream/*', 'buffer', 'events', 'zlib', 'module'],
  message: 'Pure code: no Node built-ins here.',
};
const NATIVE_AND_ELECTRON = (why) => [
  { name: 'electron', message: `${why} may not import electron.` },
  { name: 'better-sqlite3', message: `${why} may not import better-sqlite3 (only src-main/db talks to SQLite).` },
];

function restrict(files, { paths = [], patterns = [] }) {
  return { files, rules: { 'no-restricted-imports': ['error', { paths, patterns }] } };
}

export default tseslint.config(
  {
    // assembly/ is AssemblyScript (its own decorators and builtins), compiled by scripts/build-wasm.mjs.
    ignores: ['out/**', 'dist/**', 'node_modules/**', '.cache/**', 'coverage/**', 'src-renderer/**/*.svelte', '**/*.d.ts', 'assembly/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mts', '**/*.cts'],
    languageOptions: { parserOptions: { ecmaVersion: 2023, sourceType: 'module' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
    },
  },
  {
    files: ['scripts/**', 'assets/**/*.mjs', 'bin/**', '*.config.{js,mjs,cjs,ts,mts}', 'test/**', 'src-main/**'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['src-renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
  },

  // The arrows of the architecture. Later blocks do not merge options with earlier ones, so
  // each folder lists everything it may not import.
  restrict(['src-main/common/**'], {
    paths: NATIVE_AND_ELECTRON('src-main/common'),
    patterns: [NODE_BUILTINS, ...layerPatterns(LAYERS, 'src-main/common')],
  }),
  restrict(['src-main/db/**'], {
    paths: [{ name: 'electron', message: 'src-main/db runs in plain Node (CLI, tests): no electron.' }],
    patterns: layerPatterns(['io', 'ml', 'services', 'main', 'preload', 'cli'], 'src-main/db'),
  }),
  restrict(['src-main/io/**'], {
    paths: NATIVE_AND_ELECTRON('src-main/io'),
    patterns: layerPatterns(['db', 'ml', 'services', 'main', 'preload', 'cli'], 'src-main/io'),
  }),
  restrict(['src-main/ml/**'], {
    paths: NATIVE_AND_ELECTRON('src-main/ml'),
    patterns: layerPatterns(['db', 'io', 'services', 'main', 'preload', 'cli'], 'src-main/ml'),
  }),
  restrict(['src-main/services/**', 'src-main/cli/**', 'src-main/bench/**'], {
    paths: [{ name: 'electron', message: 'Services, CLI and bench run in plain Node: no electron (the main process adapts them).' }],
    patterns: layerPatterns(['main', 'preload'], 'Services, CLI and bench'),
  }),
  restrict(['src-main/main/**'], {
    paths: [{ name: 'better-sqlite3', message: 'The main process reaches SQLite through src-main/services.' }],
    patterns: layerPatterns(['db', 'ml', 'preload', 'cli', 'bench'], 'The main process'),
  }),
  restrict(['src-main/preload/**'], {
    paths: [{ name: 'better-sqlite3', message: 'The sandboxed preload can load nothing native.' }],
    patterns: [NODE_BUILTINS, ...layerPatterns(['db', 'io', 'ml', 'services', 'main', 'cli', 'bench'], 'The preload')],
  }),
  restrict(['src-renderer/**'], {
    paths: NATIVE_AND_ELECTRON('The renderer'),
    patterns: [
      NODE_BUILTINS,
      {
        group: LAYERS.flatMap((layer) => [`**/src-main/${layer}`, `**/src-main/${layer}/**`]),
        message: 'The renderer may import only its own files and src-main/common (through lib/api.ts for the main process).',
      },
    ],
  }),
);
