import path from 'node:path';
import { pathToFileURL } from 'node:url';
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
  "style-src 'self' 'unsafe-inline'",
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

/** Schemes the app may request; everything else (http, https, ws, ftp…) is cancelled: the app is offline by design. */
const ALLOWED_SCHEMES = new Set(['file:', 'data:', 'blob:', 'devtools:', 'chrome-extension:']);

export function isAllowedRequestUrl(url: string): boolean {
  try {
    return ALLOWED_SCHEMES.has(new URL(url).protocol);
  } catch {
    return false;
  }
}

// Separators or NUL smuggled in percent-encoded form would let a different path decode to ours.
const SMUGGLED = /%(2f|5c|00)/i;

/**
 * Whether `url` is our renderer page: a local `file:` URL (no host, no credentials) whose path is
 * `rendererIndexPath`. Query and fragment are allowed (the UI may route with the hash).
 * On Windows and macOS the file system ignores letter case, so the comparison does too.
 */
export function isTrustedUrl(url: string, rendererIndexPath: string, platform: NodeJS.Platform = process.platform): boolean {
  if (!url || !rendererIndexPath) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'file:' || parsed.host !== '' || parsed.username !== '' || parsed.password !== '') return false;
  if (SMUGGLED.test(parsed.pathname)) return false;
  const expected = pathToFileURL(path.resolve(rendererIndexPath)).pathname;
  let actualPath: string;
  let expectedPath: string;
  try {
    actualPath = decodeURIComponent(parsed.pathname);
    expectedPath = decodeURIComponent(expected);
  } catch {
    return false;
  }
  return platform === 'win32' || platform === 'darwin' ? actualPath.toLowerCase() === expectedPath.toLowerCase() : actualPath === expectedPath;
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
export function isTrustedSender(event: SenderLike, window: WindowContentsLike | null, rendererIndexPath: string, platform: NodeJS.Platform = process.platform): boolean {
  const contents = window?.webContents;
  if (!contents || contents.isDestroyed()) return false;
  if (event.sender !== contents) return false;
  const frame = event.senderFrame;
  if (!frame || frame !== contents.mainFrame || frame.parent !== null) return false;
  return isTrustedUrl(frame.url, rendererIndexPath, platform);
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
