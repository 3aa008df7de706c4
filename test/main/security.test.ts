import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  CONTENT_SECURITY_POLICY,
  META_CONTENT_SECURITY_POLICY,
  isAllowedRequestUrl,
  isTrustedSender,
  isTrustedUrl,
  secureWebPreferences,
  withContentSecurityPolicy,
} from '../../src-main/main/security';

const index = '/opt/Spectra Desk/resources/app.asar/out/renderer/index.html';
const indexUrl = pathToFileURL(index).href;

describe('isTrustedUrl', () => {
  it('accepts our renderer page, with or without query and hash', () => {
    expect([indexUrl, `${indexUrl}#/datasets/3`, `${indexUrl}?view=runs`].map((u) => isTrustedUrl(u, index, 'linux'))).toEqual([true, true, true]);
  });

  it('rejects other pages, schemes, hosts and smuggled separators', () => {
    const urls = [
      'file:///opt/Spectra%20Desk/resources/app.asar/out/renderer/other.html',
      'file:///tmp/index.html',
      'file://evil-host/opt/Spectra%20Desk/resources/app.asar/out/renderer/index.html',
      'https://example.com/out/renderer/index.html',
      'http://localhost:5173/',
      'devtools://devtools/bundled/devtools_app.html',
      'data:text/html,<script>1</script>',
      'about:blank',
      '',
      'not a url',
      'file:///opt/Spectra%20Desk/resources/app.asar/out/renderer%2Findex.html',
      'file:///opt/Spectra%20Desk/resources/app.asar/out/renderer/index.html%00.png',
      'file:///OPT/Spectra%20Desk/resources/app.asar/out/renderer/index.html',
    ];
    expect(urls.map((u) => isTrustedUrl(u, index, 'linux'))).toEqual(urls.map(() => false));
  });

  it('treats dot segments as the path they resolve to', () => {
    expect(isTrustedUrl('file:///opt/Spectra%20Desk/resources/app.asar/out/main/../renderer/index.html', index, 'linux')).toBe(true);
  });

  it('ignores letter case where the file system does', () => {
    const upper = 'file:///OPT/Spectra%20Desk/resources/app.asar/out/renderer/INDEX.html';
    expect(['linux', 'darwin', 'win32'].map((p) => isTrustedUrl(upper, index, p as NodeJS.Platform))).toEqual([false, true, true]);
  });

  it('accepts non-ASCII install folders however the URL encodes them', () => {
    const unicodeIndex = '/home/zoë/Spectra Desk/out/renderer/index.html';
    expect(isTrustedUrl('file:///home/zo%C3%AB/Spectra%20Desk/out/renderer/index.html', unicodeIndex, 'linux')).toBe(true);
  });
});

describe('isTrustedSender', () => {
  const mainFrame = { url: indexUrl, parent: null };
  const contents = { mainFrame, isDestroyed: () => false };
  const win = { webContents: contents };

  it('accepts the main frame of our window showing our page', () => {
    expect(isTrustedSender({ sender: contents, senderFrame: mainFrame }, win, index, 'linux')).toBe(true);
  });

  it('rejects subframes, other webContents, destroyed frames and a missing window', () => {
    const child = { url: indexUrl, parent: mainFrame };
    const other = { mainFrame: { url: indexUrl, parent: null }, isDestroyed: () => false };
    const navigated = { url: 'file:///tmp/x.html', parent: null };
    const cases = [
      isTrustedSender({ sender: contents, senderFrame: child }, win, index, 'linux'),
      isTrustedSender({ sender: other, senderFrame: other.mainFrame }, win, index, 'linux'),
      isTrustedSender({ sender: contents, senderFrame: null }, win, index, 'linux'),
      isTrustedSender({ sender: contents, senderFrame: mainFrame }, null, index, 'linux'),
      isTrustedSender({ sender: contents, senderFrame: mainFrame }, { webContents: { mainFrame, isDestroyed: () => true } }, index, 'linux'),
      isTrustedSender({ sender: contents, senderFrame: navigated }, { webContents: { mainFrame: navigated, isDestroyed: () => false } }, index, 'linux'),
    ];
    expect(cases).toEqual([false, false, false, false, false, false]);
  });
});

describe('content security policy', () => {
  it('is the policy of the renderer meta tag, and the header adds only frame-ancestors', () => {
    const html = path.resolve(__dirname, '../../src-renderer/index.html');
    if (!fs.existsSync(html)) return;
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(fs.readFileSync(html, 'utf8'));
    expect(meta?.[1]).toBe(META_CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toBe(`${meta?.[1]}; frame-ancestors 'none'`);
  });

  it('leaves frame-ancestors out of the meta tag, where Chromium ignores it and logs an error', () => {
    expect(META_CONTENT_SECURITY_POLICY).not.toMatch(/frame-ancestors/);
    expect(CONTENT_SECURITY_POLICY.split('; ').filter((d) => d.startsWith('frame-ancestors'))).toEqual(["frame-ancestors 'none'"]);
  });

  it('replaces any CSP header in the response, whatever its letter case', () => {
    expect(withContentSecurityPolicy({ 'content-security-policy': ["default-src *"], 'Content-Type': ['text/html'] })).toEqual({
      'Content-Type': ['text/html'],
      'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
    });
    expect(withContentSecurityPolicy(undefined)).toEqual({ 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
  });
});

describe('isAllowedRequestUrl', () => {
  it('allows only local schemes: the app never talks to a network', () => {
    const urls = ['file:///a/index.html', 'data:image/png;base64,AAAA', 'blob:file:///1234', 'devtools://devtools/x', 'https://example.com/', 'http://127.0.0.1:8080/', 'ws://x/', 'ftp://x/', 'nonsense'];
    expect(urls.map(isAllowedRequestUrl)).toEqual([true, true, true, true, false, false, false, false, false]);
  });
});

describe('secureWebPreferences', () => {
  it('isolates and sandboxes the renderer', () => {
    const on = ['contextIsolation', 'sandbox', 'webSecurity', 'safeDialogs'];
    const off = ['nodeIntegration', 'nodeIntegrationInWorker', 'nodeIntegrationInSubFrames', 'allowRunningInsecureContent', 'experimentalFeatures', 'webviewTag', 'navigateOnDragDrop', 'spellcheck'];
    expect(secureWebPreferences('/app/out/preload/index.cjs')).toEqual({
      preload: '/app/out/preload/index.cjs',
      ...Object.fromEntries(on.map((k) => [k, true])),
      ...Object.fromEntries(off.map((k) => [k, false])),
    });
  });
});
