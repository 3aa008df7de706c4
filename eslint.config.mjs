// Flat config: typescript-eslint's and eslint-plugin-svelte's recommended rules, plus
// `no-restricted-imports` per folder so the layering in docs/architecture.md holds (common →
// nothing; db/io → common; services → not electron; renderer → itself and src-main/common only)
// and `no-restricted-syntax` so SQL stays in src-main/db. Every message names the section of
// docs/architecture.md that explains the rule.
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const LAYERS = ['db', 'io', 'ml', 'services', 'main', 'preload', 'cli', 'bench'];

const see = (section) => `(see docs/architecture.md, "${section}")`;
const FOLDERS = see('Processes and folders');

/** Deepest folder below a layer's own folder that gets the relative-path checks (common/preprocessing/steps/baselines is 3). */
const MAX_DEPTH = 6;

/**
 * Imports of the given src-main folders from a file `depth` folders below its layer's folder:
 * relative (the number of `../` depends on the depth: `../ml` from common/x.ts is src-main/ml,
 * from common/runs/x.ts it is common/ml) or through a path naming src-main. Without a depth,
 * only the latter.
 */
function layerPatterns(layers, why, depth) {
  const up = depth === undefined ? [] : ['../'.repeat(depth + 1)];
  return layers.map((layer) => ({
    group: [...up.flatMap((u) => [`${u}${layer}`, `${u}${layer}/**`]), `**/src-main/${layer}`, `**/src-main/${layer}/**`],
    message: `${why} may not import src-main/${layer} ${FOLDERS}.`,
  }));
}

// Bare names are `paths` (exact), not patterns: a pattern `events` would also match './events'.
const NODE_BUILTIN_MESSAGE = `Pure code: no Node built-ins here ${FOLDERS}.`;
const NODE_BUILTINS = {
  paths: ['fs', 'path', 'os', 'child_process', 'worker_threads', 'crypto', 'url', 'util', 'stream', 'buffer', 'events', 'zlib', 'module'].map((name) => ({ name, message: NODE_BUILTIN_MESSAGE })),
  patterns: [{ group: ['node:*', 'fs/*', 'path/*', 'stream/*'], message: NODE_BUILTIN_MESSAGE }],
};
const NATIVE_AND_ELECTRON = (why) => [
  { name: 'electron', message: `${why} may not import electron ${FOLDERS}.` },
  { name: 'better-sqlite3', message: `${why} may not import better-sqlite3: only src-main/db talks to SQLite ${FOLDERS}.` },
];

/**
 * `no-restricted-imports` for the files under `folder`: the given paths and patterns, plus the
 * src-main `layers` it may not import. One block per depth (see layerPatterns), after a block
 * for any depth that checks the imports naming src-main.
 */
function restrict(folder, { paths = [], patterns = [], layers, why }) {
  const block = (files, depth) => ({ files, rules: { 'no-restricted-imports': ['error', { paths, patterns: [...patterns, ...layerPatterns(layers, why, depth)] }] } });
  return [block([`${folder}/**`]), ...Array.from({ length: MAX_DEPTH + 1 }, (_, depth) => block([`${folder}/${'*/'.repeat(depth)}*`], depth))];
}

export default tseslint.config(
  {
    // assembly/ is AssemblyScript (its own decorators and builtins), compiled by scripts/build-wasm.mjs.
    ignores: ['out/**', 'dist/**', 'node_modules/**', '.cache/**', 'coverage/**', '**/*.d.ts', 'assembly/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs.recommended,
  {
    // Components and rune modules go through svelte-eslint-parser, which hands `<script lang="ts">`
    // and `.svelte.ts` to the typescript parser, so the TS rules and the layering below apply to them.
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
    // Collections here are either local scratch or replaced whole inside `$state.raw`, never
    // mutated in place for the view to see, so SvelteMap/SvelteSet would only add proxies.
    rules: { 'svelte/prefer-svelte-reactivity': 'off' },
  },
  {
    files: ['**/*.ts', '**/*.mts', '**/*.cts', '**/*.svelte'],
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
  restrict('src-main/common', {
    paths: [...NATIVE_AND_ELECTRON('src-main/common'), ...NODE_BUILTINS.paths],
    patterns: NODE_BUILTINS.patterns,
    layers: LAYERS,
    why: 'src-main/common',
  }),
  restrict('src-main/db', {
    paths: [{ name: 'electron', message: `src-main/db runs in plain Node (CLI, tests): no electron ${FOLDERS}.` }],
    layers: ['io', 'ml', 'services', 'main', 'preload', 'cli'],
    why: 'src-main/db',
  }),
  restrict('src-main/io', { paths: NATIVE_AND_ELECTRON('src-main/io'), layers: ['db', 'ml', 'services', 'main', 'preload', 'cli'], why: 'src-main/io' }),
  restrict('src-main/ml', { paths: NATIVE_AND_ELECTRON('src-main/ml'), layers: ['db', 'io', 'services', 'main', 'preload', 'cli'], why: 'src-main/ml' }),
  ...['src-main/services', 'src-main/cli', 'src-main/bench'].map((folder) =>
    restrict(folder, {
      paths: [{ name: 'electron', message: `Services, CLI and bench run in plain Node: no electron; the main process adapts them ${FOLDERS}.` }],
      layers: ['main', 'preload'],
      why: 'Services, CLI and bench',
    }),
  ),
  restrict('src-main/main', {
    paths: [{ name: 'better-sqlite3', message: `The main process reaches SQLite through src-main/services ${FOLDERS}.` }],
    layers: ['db', 'ml', 'preload', 'cli', 'bench'],
    why: 'The main process',
  }),
  restrict('src-main/preload', {
    paths: [{ name: 'better-sqlite3', message: `The sandboxed preload can load nothing native ${FOLDERS}.` }, ...NODE_BUILTINS.paths],
    patterns: NODE_BUILTINS.patterns,
    layers: ['db', 'io', 'ml', 'services', 'main', 'cli', 'bench'],
    why: 'The preload',
  }),
  {
    // SQL is written in src-main/db only: services and the rest call repository functions, so a
    // schema change is one folder to read. A regular expression's `.exec` is not SQL.
    files: ['src-main/**'],
    ignores: ['src-main/db/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...[
          "CallExpression[callee.type='MemberExpression'][callee.property.name=/^(prepare|pragma)$/]",
          "CallExpression[callee.type='MemberExpression'][callee.property.name='exec']:not([callee.object.regex]):matches([arguments.0.type='Literal'], [arguments.0.type='TemplateLiteral'])",
        ].map((selector) => ({ selector, message: `SQL lives in src-main/db: call or add a repository function there ${see('Where SQL lives')}.` })),
      ],
    },
  },
  {
    files: ['src-renderer/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...NATIVE_AND_ELECTRON('The renderer'), ...NODE_BUILTINS.paths],
          patterns: [
            ...NODE_BUILTINS.patterns,
            {
              group: LAYERS.flatMap((layer) => [`**/src-main/${layer}`, `**/src-main/${layer}/**`]),
              message: `The renderer may import only its own files and src-main/common; it reaches the main process through lib/api.ts ${FOLDERS}.`,
            },
          ],
        },
      ],
    },
  },
);
