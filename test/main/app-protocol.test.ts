import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appResponse, resolveAppFile } from '../../src-main/main/app-protocol';
import { CONTENT_SECURITY_POLICY } from '../../src-main/main/security';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sd-app-protocol-'));
const renderer = path.join(tmp, 'out', 'renderer');
fs.mkdirSync(path.join(renderer, 'assets'), { recursive: true });
fs.writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>Spectra Desk</title>');
fs.writeFileSync(path.join(renderer, 'assets', 'index-1.js'), 'export {};');
fs.writeFileSync(path.join(tmp, 'out', 'secret.js'), 'secret');
fs.mkdirSync(path.join(renderer, 'assets', 'folder.js'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('resolveAppFile', () => {
  it('maps our origin onto out/renderer with the MIME type of each file the build produces', () => {
    const urls = [
      'app://spectra-desk/index.html',
      'app://spectra-desk/assets/index-1.js?v=2#x',
      'app://spectra-desk/assets/index-1.css',
      'app://spectra-desk/assets/index-1.js.map',
      'app://spectra-desk/assets/logo.SVG',
      'app://spectra-desk/assets/icon.png',
      'app://spectra-desk/assets/font.woff2',
      'app://spectra-desk/assets/My%20File.json',
    ];
    expect(urls.map((u) => resolveAppFile(u, renderer))).toEqual([
      { file: path.join(renderer, 'index.html'), mime: 'text/html; charset=utf-8' },
      { file: path.join(renderer, 'assets', 'index-1.js'), mime: 'text/javascript; charset=utf-8' },
      { file: path.join(renderer, 'assets', 'index-1.css'), mime: 'text/css; charset=utf-8' },
      { file: path.join(renderer, 'assets', 'index-1.js.map'), mime: 'application/json; charset=utf-8' },
      { file: path.join(renderer, 'assets', 'logo.SVG'), mime: 'image/svg+xml' },
      { file: path.join(renderer, 'assets', 'icon.png'), mime: 'image/png' },
      { file: path.join(renderer, 'assets', 'font.woff2'), mime: 'font/woff2' },
      { file: path.join(renderer, 'assets', 'My File.json'), mime: 'application/json; charset=utf-8' },
    ]);
  });

  it('keeps dot segments inside out/renderer, as the URL resolves them', () => {
    expect(resolveAppFile('app://spectra-desk/../../secret.js', renderer)).toEqual({ file: path.join(renderer, 'secret.js'), mime: 'text/javascript; charset=utf-8' });
    expect(resolveAppFile('app://spectra-desk/%2e%2e/%2E%2E/secret.js', renderer)).toEqual({ file: path.join(renderer, 'secret.js'), mime: 'text/javascript; charset=utf-8' });
  });

  it('refuses traversal by encoded separators, NUL, other origins, the folder itself and unknown types', () => {
    const urls = [
      'app://spectra-desk/..%2F..%2Fsecret.js',
      'app://spectra-desk/..%5C..%5Csecret.js',
      'app://spectra-desk/index.html%00.js',
      'app://spectra-desk/%E0%A4%A.js',
      'app://spectra-desk/',
      'app://spectra-desk/assets/',
      'app://spectra-desk/main.cjs',
      'app://spectra-desk/app.exe',
      'app://other/index.html',
      'app://spectra-desk:99/index.html',
      'file:///etc/passwd',
      'https://spectra-desk/index.html',
    ];
    expect(urls.map((u) => resolveAppFile(u, renderer))).toEqual(urls.map(() => null));
  });
});

describe('appResponse', () => {
  const get = async (url: string, method = 'GET') => {
    const r = await appResponse({ url, method }, renderer);
    return { status: r.status, type: r.headers.get('content-type'), csp: r.headers.get('content-security-policy'), nosniff: r.headers.get('x-content-type-options'), body: await r.text() };
  };

  it('serves the renderer files with their type and the CSP header', async () => {
    expect(await get('app://spectra-desk/index.html')).toEqual({ status: 200, type: 'text/html; charset=utf-8', csp: CONTENT_SECURITY_POLICY, nosniff: 'nosniff', body: '<!doctype html><title>Spectra Desk</title>' });
    expect(await get('app://spectra-desk/assets/index-1.js')).toEqual({ status: 200, type: 'text/javascript; charset=utf-8', csp: CONTENT_SECURITY_POLICY, nosniff: 'nosniff', body: 'export {};' });
  });

  it('answers 404 for refused and missing files, 405 for anything but GET, always with the CSP', async () => {
    const refused = { status: 404, type: 'text/plain; charset=utf-8', csp: CONTENT_SECURITY_POLICY, nosniff: null, body: 'Not found' };
    expect(await get('app://spectra-desk/..%2Fsecret.js')).toEqual(refused);
    expect(await get('app://spectra-desk/missing.js')).toEqual(refused);
    expect(await get('app://spectra-desk/assets/folder.js')).toEqual(refused);
    expect(await get('app://spectra-desk/index.html', 'POST')).toEqual({ ...refused, status: 405, body: 'Method not allowed' });
  });
});
