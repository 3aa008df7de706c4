#!/usr/bin/env node
// `npm run dist`: builds, packages installers with electron-builder (it rebuilds native modules
// for Electron inside node_modules), then rebuilds them for Node again so tests and the CLI keep
// working. Extra arguments go to electron-builder (e.g. `npm run dist -- --linux deb`).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' }).status ?? 1;

let status = run(process.execPath, [path.join(root, 'scripts/build.mjs')]);
if (status === 0) status = run(npx, ['--no-install', 'electron-builder', '--config', 'electron-builder.yml', ...process.argv.slice(2)]);
const restore = run(npm, ['rebuild', 'better-sqlite3']);
if (restore !== 0) console.error('Could not rebuild better-sqlite3 for Node; run `npm rebuild better-sqlite3` before `npm test`.');
process.exit(status);
