import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { CHANNELS } from '../../src-main/common/ipc/contract';
import { APP_INDEX_URL, CONTENT_SECURITY_POLICY, secureWebPreferences } from '../../src-main/main/security';
import { NODE_BUNDLE } from './helpers/bundle';

const root = path.resolve(__dirname, '../..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sd-main-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

// The main bundle (built as scripts/build.mjs does) run against a fake 'electron' module.
describe('main process wiring', () => {
  it('registers every channel behind the sender check and hardens the window', async () => {
    const bundle = path.join(tmp, 'out', 'main', 'index.cjs');
    fs.mkdirSync(path.dirname(bundle), { recursive: true });
    await build({
      ...NODE_BUNDLE,
      entryPoints: [path.join(root, 'src-main/main/index.ts')],
      outfile: bundle,
      // Resolve better-sqlite3 from the repository even though the bundle lives in a temp folder.
      nodePaths: [path.join(root, 'node_modules')],
    });
    const userData = path.join(tmp, 'userData');
    const dropped = path.join(tmp, 'spectra.csv');
    fs.writeFileSync(dropped, 'x,1,2\n');
    const page = '<!doctype html><title>Spectra Desk</title>';
    fs.mkdirSync(path.join(tmp, 'out', 'renderer'), { recursive: true });
    fs.writeFileSync(path.join(tmp, 'out', 'renderer', 'index.html'), page);
    const stdout = execFileSync(process.execPath, [path.join(__dirname, 'helpers', 'fake-electron-run.cjs'), bundle, userData, dropped, path.join(tmp, 'missing.csv')], {
      encoding: 'utf8',
      env: { ...process.env, NODE_PATH: path.join(root, 'node_modules') },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const appRoot = tmp;
    expect(JSON.parse(stdout)).toEqual({
      sandbox: true,
      channels: CHANNELS,
      webPreferences: secureWebPreferences(path.join(appRoot, 'out', 'preload', 'index.cjs')),
      // The scheme is privileged before the app is ready and serves out/renderer only.
      schemes: [{ beforeReady: true, schemes: [{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }] }],
      protocols: ['app'],
      served: {
        [APP_INDEX_URL]: [200, 'text/html; charset=utf-8', CONTENT_SECURITY_POLICY, page],
        'app://spectra-desk/..%2F..%2Fmain%2Findex.cjs': [404, 'text/plain; charset=utf-8', CONTENT_SECURITY_POLICY, 'Not found'],
        'app://other/index.html': [404, 'text/plain; charset=utf-8', CONTENT_SECURITY_POLICY, 'Not found'],
      },
      loaded: APP_INDEX_URL,
      info: { ok: true, version: '0.0.0-test', engine: 'unavailable (out/ml/trainer.cjs was not built)' },
      refused: { ok: false, error: { code: 'BAD_INPUT', message: 'Request refused: it did not come from the Spectra Desk window.' } },
      badInput: 'BAD_INPUT',
      prevented: { 'will-navigate': true, 'will-frame-navigate': true, 'will-redirect': true, 'will-attach-webview': true },
      windowOpen: { action: 'deny' },
      permission: false,
      permissionCheck: false,
      cancelled: { 'https://example.com/x.js': true, 'file:///etc/passwd': true, 'app://spectra-desk/assets/index.js': false },
      csp: [CONTENT_SECURITY_POLICY],
      menu: process.platform === 'darwin' ? ['Spectra Desk', 'File', 'Edit', 'View', undefined, 'Help'] : ['&File', '&Edit', '&View', '&Help'],
      menus: 1,
      // Files passed on the command line reach the import form once the page has loaded.
      sent: [['files:dropped', { paths: [dropped] }]],
      errorBox: null,
    });
  });
});
