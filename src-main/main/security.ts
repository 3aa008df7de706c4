import type { WebPreferences } from 'electron';

/**
 * The renderer's Content-Security-Policy as `src-renderer/index.html`'s meta tag states it. The
 * main process also sends the policy as a response header (CONTENT_SECURITY_POLICY), so that a
 * page that lost its meta tag is still covered.
 */
export const META_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // Explore's Web Worker (PCA off the window's thread) is a script file of the app itself.
  "worker-src 'self'",
  // The app's stylesheet only. Svelte's style: directives and Chart.js set styles through
  // element.style, which the policy allows; a style attribute in markup would be refused.
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/**
 * The header's policy: the meta tag's plus `frame-ancestors`, which only a header can carry
 * (Chromium ignores it in a meta tag and logs an error on every load).
 */
export const CONTENT_SECURITY_POLICY = `${META_CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`;

/** Response headers with our CSP, replacing any CSP header already there (any letter case). */
export function withContentSecurityPolicy(headers: Record<string, string[]> | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() !== 'content-security-policy') out[name] = value;
  }
  out['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
  return out;
}

/**
 * The renderer is served by the app's own privileged scheme (registered in index.ts, served by
 * app-protocol.ts), never over `file:`: a `file:` page would share its origin with every local
 * file, and Electron grants it extra privileges.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'spectra-desk';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** The only page the window shows and the only trusted IPC sender. */
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;
/** Standard (an origin of its own, relative URLs), secure (a secure context, like https) and reachable by fetch. */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true } as const;

// Separators or NUL smuggled in percent-encoded form would let a different path decode to ours.
const SMUGGLED = /%(2f|5c|00)/i;

/** `url` parsed when it is on our origin (no credentials, no port, no encoded separators); null otherwise. */
export function parseAppUrl(url: string): URL | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST || parsed.username !== '' || parsed.password !== '') return null;
  return SMUGGLED.test(parsed.pathname) ? null : parsed;
}

/** Schemes the app may request besides its own; everything else (file, http, https, ws, ftp…) is cancelled: the app is offline by design. */
const ALLOWED_SCHEMES = new Set(['data:', 'blob:', 'devtools:', 'chrome-extension:']);

export function isAllowedRequestUrl(url: string): boolean {
  if (parseAppUrl(url)) return true;
  try {
    return ALLOWED_SCHEMES.has(new URL(url).protocol);
  } catch {
    return false;
  }
}

/** Whether `url` is our renderer page. Query and fragment are allowed (the UI may route with the hash). */
export function isTrustedUrl(url: string): boolean {
  return parseAppUrl(url)?.pathname === '/index.html';
}

/** The parts of an IPC event and of our window that the sender check looks at. */
export interface SenderLike {
  sender: unknown;
  senderFrame: { url: string; parent: unknown } | null;
}
export interface WindowContentsLike {
  webContents: { mainFrame: unknown; isDestroyed(): boolean } | null;
}

/**
 * An IPC call is trusted only when it comes from the main frame of our one window (not an iframe,
 * not another webContents) and that frame shows our renderer page.
 */
export function isTrustedSender(event: SenderLike, window: WindowContentsLike | null): boolean {
  const contents = window?.webContents;
  if (!contents || contents.isDestroyed()) return false;
  if (event.sender !== contents) return false;
  const frame = event.senderFrame;
  if (!frame || frame !== contents.mainFrame || frame.parent !== null) return false;
  return isTrustedUrl(frame.url);
}

/** The window's webPreferences: isolated, sandboxed, no Node, no webview, no drag-and-drop navigation. */
export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    safeDialogs: true,
  };
}
