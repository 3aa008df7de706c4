import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  APP_INDEX_URL,
  CONTENT_SECURITY_POLICY,
  META_CONTENT_SECURITY_POLICY,
  isAllowedRequestUrl,
  isTrustedSender,
  isTrustedUrl,
  parseAppUrl,
  secureWebPreferences,
  withContentSecurityPolicy,
} from '../../src-main/main/security';

describe('isTrustedUrl', () => {
  it('accepts our renderer page on the app: origin, with or without query and hash', () => {
    expect(APP_INDEX_URL).toBe('app://spectra-desk/index.html');
    expect([APP_INDEX_URL, `${APP_INDEX_URL}#/datasets/3`, `${APP_INDEX_URL}?view=runs`].map(isTrustedUrl)).toEqual([true, true, true]);
  });

  it('rejects file: pages, other pages, hosts, ports, credentials and smuggled separators', () => {
    const urls = [
      'file:///opt/Spectra%20Desk/resources/app.asar/out/renderer/index.html',
      'app://spectra-desk/other.html',
      'app://spectra-desk/',
      'app://spectra-desk/assets/index.html',
      'app://evil/index.html',
      'app://spectra-desk.evil/index.html',
      'app://spectra-desk:8080/index.html',
      'app://user:pw@spectra-desk/index.html',
      'app://spectra-desk/x%2Findex.html',
      'app://spectra-desk/index.html%00.png',
      'app://spectra-desk/index%2Ehtml',
      'https://spectra-desk/index.html',
      'http://localhost:5173/',
      'devtools://devtools/bundled/devtools_app.html',
      'data:text/html,<script>1</script>',
      'about:blank',
      '',
      'not a url',
    ];
    expect(urls.map(isTrustedUrl)).toEqual(urls.map(() => false));
  });

  it('treats dot segments as the path they resolve to', () => {
    expect(['app://spectra-desk/assets/../index.html', 'app://spectra-desk/%2e%2e/index.html'].map(isTrustedUrl)).toEqual([true, true]);
  });
});

describe('parseAppUrl', () => {
  it('parses URLs on our origin only', () => {
    expect(parseAppUrl('app://spectra-desk/assets/index-1.js?x=1')?.pathname).toBe('/assets/index-1.js');
    expect(['app://spectra-desk/a%5Cb.js', 'app://other/a.js', 'file:///a.js', 'nonsense'].map(parseAppUrl)).toEqual([null, null, null, null]);
  });
});

describe('isTrustedSender', () => {
  const mainFrame = { url: APP_INDEX_URL, parent: null };
  const contents = { mainFrame, isDestroyed: () => false };
  const win = { webContents: contents };

  it('accepts the main frame of our window showing our page', () => {
    expect(isTrustedSender({ sender: contents, senderFrame: mainFrame }, win)).toBe(true);
  });

  it('rejects subframes, other webContents, destroyed frames, a missing window and a file: page', () => {
    const child = { url: APP_INDEX_URL, parent: mainFrame };
    const other = { mainFrame: { url: APP_INDEX_URL, parent: null }, isDestroyed: () => false };
    const navigated = { url: 'file:///tmp/x.html', parent: null };
    const cases = [
      isTrustedSender({ sender: contents, senderFrame: child }, win),
      isTrustedSender({ sender: other, senderFrame: other.mainFrame }, win),
      isTrustedSender({ sender: contents, senderFrame: null }, win),
      isTrustedSender({ sender: contents, senderFrame: mainFrame }, null),
      isTrustedSender({ sender: contents, senderFrame: mainFrame }, { webContents: { mainFrame, isDestroyed: () => true } }),
      isTrustedSender({ sender: contents, senderFrame: navigated }, { webContents: { mainFrame: navigated, isDestroyed: () => false } }),
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

  it('allows no inline styles or scripts', () => {
    expect(CONTENT_SECURITY_POLICY.split('; ').filter((d) => /^(style|script)-src/.test(d))).toEqual(["script-src 'self'", "style-src 'self'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-/);
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
  it('allows our origin and in-memory schemes only: the app never talks to a network nor reads file: URLs', () => {
    const allowed = ['app://spectra-desk/assets/index.js', 'data:image/png;base64,AAAA', 'blob:app://spectra-desk/1234', 'devtools://devtools/x'];
    const refused = ['file:///a/index.html', 'app://other/x.js', 'app://spectra-desk/a%2F..%2Fb.js', 'https://example.com/', 'http://127.0.0.1:8080/', 'ws://x/', 'ftp://x/', 'nonsense'];
    expect(allowed.map(isAllowedRequestUrl)).toEqual(allowed.map(() => true));
    expect(refused.map(isAllowedRequestUrl)).toEqual(refused.map(() => false));
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
