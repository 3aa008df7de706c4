// The app: scheme's responses: files of the built renderer (out/renderer) and nothing else.
// Electron-free, so that the e2e harness serves the page by the same rules the window gets.
import fs from 'node:fs';
import path from 'node:path';
import { CONTENT_SECURITY_POLICY, parseAppUrl } from './security';

/** The file types the renderer build contains; any other extension is not served. */
export const RENDERER_MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/**
 * The file under `rendererDir` that an app: URL names, with its MIME type; null for another
 * origin, a path that decodes to a separator, NUL or a place outside `rendererDir`, or an
 * extension the renderer build does not produce.
 */
export function resolveAppFile(url: string, rendererDir: string): { file: string; mime: string } | null {
  const parsed = parseAppUrl(url);
  if (!parsed) return null;
  let rel: string;
  try {
    rel = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  if (/[\\\0]/.test(rel)) return null;
  const root = path.resolve(rendererDir);
  const file = path.resolve(root, `.${rel}`);
  if (!file.startsWith(root + path.sep)) return null;
  const mime = RENDERER_MIME_TYPES[path.extname(file).toLowerCase()];
  return mime ? { file, mime } : null;
}

const PLAIN_HEADERS = { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Security-Policy': CONTENT_SECURITY_POLICY };

/** The response to one request on the app: scheme. Only GET is answered; every response carries the CSP. */
export async function appResponse(request: { url: string; method: string }, rendererDir: string): Promise<Response> {
  if (request.method !== 'GET') return new Response('Method not allowed', { status: 405, headers: PLAIN_HEADERS });
  const target = resolveAppFile(request.url, rendererDir);
  if (!target) return new Response('Not found', { status: 404, headers: PLAIN_HEADERS });
  let body: Buffer;
  try {
    body = await fs.promises.readFile(target.file);
  } catch {
    return new Response('Not found', { status: 404, headers: PLAIN_HEADERS });
  }
  // A copy typed as Uint8Array<ArrayBuffer>, which Response takes (a Buffer may view a shared one).
  return new Response(new Uint8Array(body), {
    status: 200,
    headers: { 'Content-Type': target.mime, 'Content-Security-Policy': CONTENT_SECURITY_POLICY, 'X-Content-Type-Options': 'nosniff' },
  });
}
