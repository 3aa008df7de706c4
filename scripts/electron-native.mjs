#!/usr/bin/env node
// Prepares `npm start`: checks that the Electron binary is installed, and builds better-sqlite3
// for Electron's ABI in a separate folder so the copy in node_modules stays built for Node (tests,
// CLI, bench). The main process hands the result to better-sqlite3 through its `nativeBinding`
// option. Packaged builds do not use this: electron-builder rebuilds the module itself.
//
//   node scripts/electron-native.mjs          check Electron, then rebuild when needed
//   node scripts/electron-native.mjs --force  rebuild even when the stamp says it is up to date
//   node scripts/electron-native.mjs --native-only   skip the Electron binary check
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));
const args = new Set(process.argv.slice(2));
const buildPath = path.join(root, '.cache', 'electron-native');
const moduleDir = path.join(buildPath, 'node_modules', 'better-sqlite3');
const binary = path.join(moduleDir, 'build', 'Release', 'better_sqlite3.node');
const stampFile = path.join(buildPath, 'stamp.json');

function fail(lines) {
  console.error(['', ...lines.map((l) => `electron-native: ${l}`), ''].join('\n'));
  process.exit(1);
}

function readVersion(pkg) {
  try {
    return JSON.parse(fs.readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')).version;
  } catch {
    return null;
  }
}

const electronVersion = readVersion('electron');
const sqliteVersion = readVersion('better-sqlite3');
if (!electronVersion) fail(['the electron package is not installed. Run `npm install`.']);
if (!sqliteVersion) fail(['better-sqlite3 is not installed. Run `npm install`.']);

// 1. The Electron binary. The electron package fetches it on first use; without internet that
// fails with a stack trace from deep inside `electron .`, so check here and say what to do.
if (!args.has('--native-only')) {
  try {
    const executable = require('electron');
    if (typeof executable !== 'string' || !fs.existsSync(executable)) throw new Error(`no executable at ${executable}`);
  } catch (err) {
    fail([
      `the Electron ${electronVersion} binary is not installed and could not be downloaded.`,
      `Cause: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`,
      'Connect to the internet and run `npx install-electron --no` (or delete node_modules/electron and run `npm install`),',
      'or point ELECTRON_OVERRIDE_DIST_PATH at an unpacked Electron of the same version.',
      'Tests and the spectra-desk CLI do not need Electron.',
    ]);
  }
}

// 2. better-sqlite3 for Electron's ABI, rebuilt only when a version, the platform or the
// architecture changed (the stamp records them) or the binary is missing.
const wanted = { betterSqlite3: sqliteVersion, electron: electronVersion, platform: process.platform, arch: process.arch };
let stamp = null;
try {
  stamp = JSON.parse(fs.readFileSync(stampFile, 'utf8'));
} catch {
  // No stamp yet: first build.
}
const upToDate = stamp && Object.entries(wanted).every(([k, v]) => stamp[k] === v) && fs.existsSync(binary);
if (upToDate && !args.has('--force')) {
  console.log(`electron-native: better-sqlite3 ${sqliteVersion} for Electron ${electronVersion} is up to date.`);
  process.exit(0);
}

console.log(`electron-native: building better-sqlite3 ${sqliteVersion} for Electron ${electronVersion} (${process.platform}-${process.arch}) in ${path.relative(root, buildPath)}…`);
fs.rmSync(stampFile, { force: true });
fs.rmSync(moduleDir, { recursive: true, force: true });
fs.mkdirSync(path.dirname(moduleDir), { recursive: true });
const source = path.dirname(require.resolve('better-sqlite3/package.json'));
// Sources only: the Node build output must not be mistaken for an Electron build.
fs.cpSync(source, moduleDir, { recursive: true, filter: (src) => path.relative(source, src).split(path.sep)[0] !== 'build' });
// @electron/rebuild finds the modules to build through the dependencies of this package.json.
fs.writeFileSync(
  path.join(buildPath, 'package.json'),
  `${JSON.stringify({ name: 'spectra-desk-electron-native', private: true, description: 'better-sqlite3 built for Electron by scripts/electron-native.mjs', dependencies: { 'better-sqlite3': sqliteVersion } }, null, 2)}\n`,
);

try {
  const { rebuild } = await import('@electron/rebuild');
  // projectRootPath = buildPath keeps the search inside .cache: the repository's own
  // node_modules/better-sqlite3 (the Node build) is never touched.
  await rebuild({ buildPath, projectRootPath: buildPath, electronVersion, onlyModules: ['better-sqlite3'], force: true, mode: 'sequential' });
} catch (err) {
  fail([
    `could not build better-sqlite3 for Electron ${electronVersion}.`,
    `Cause: ${err instanceof Error ? err.message : String(err)}`,
    'This step downloads a prebuilt binary or the Electron headers (internet needed); building from source also needs',
    'Python 3 and a C++ toolchain (build-essential on Linux, Xcode command-line tools on macOS, VS Build Tools on Windows).',
    'Tests, the CLI and node_modules/better-sqlite3 are not affected. Retry with `node scripts/electron-native.mjs --force`.',
  ]);
}

if (!fs.existsSync(binary)) fail([`the rebuild finished but ${path.relative(root, binary)} is missing. Retry with --force.`]);
fs.writeFileSync(stampFile, `${JSON.stringify({ ...wanted, builtAt: new Date().toISOString() }, null, 2)}\n`);
console.log(`electron-native: ready: ${path.relative(root, binary)}`);
