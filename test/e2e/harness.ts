/// <reference lib="dom" />
// Callbacks passed to page.evaluate run in the browser and use DOM types.
/**
 * End-to-end harness: the built renderer in Debian's Chromium (playwright-core), with
 * `window.api` bridged to a real main-process `Session` over a real SQLite project file.
 * Only the native dialogs are faked: they answer with paths the test queues.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { Session, type Host } from '../../src-main/services/session';
import { CHANNELS, type EventName, type Events } from '../../src-main/common/ipc/contract';
import { forkTrainer, probeEngine } from '../../src-main/services/trainer-client';
import { builtFile } from '../../src-main/ml/built-files';
import { workerViews } from '../../src-main/services/views';
import { appResponse } from '../../src-main/main/app-protocol';
import { APP_INDEX_URL, APP_ORIGIN, CONTENT_SECURITY_POLICY, META_CONTENT_SECURITY_POLICY } from '../../src-main/main/security';

export const ROOT = path.resolve(__dirname, '../..');
const OUT = path.join(ROOT, 'out/renderer');
export const SCREENSHOTS = path.join(ROOT, 'test-results/screenshots');

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function newestMtime(p: string): number {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let m = st.mtimeMs;
  for (const e of fs.readdirSync(p)) m = Math.max(m, newestMtime(path.join(p, e)));
  return m;
}

/**
 * Builds the renderer with Vite unless out/renderer is newer than every input. Called once per
 * test run, before the `app` files (test/e2e/global-setup.ts), never from a file: two files at
 * once would build into the same folder.
 */
export async function ensureRenderer(): Promise<void> {
  const index = path.join(OUT, 'index.html');
  const inputs = Math.max(newestMtime(path.join(ROOT, 'src-renderer')), newestMtime(path.join(ROOT, 'src-main/common')), newestMtime(path.join(ROOT, 'vite.config.ts')));
  if (fs.existsSync(index) && fs.statSync(index).mtimeMs > inputs) return;
  const { build } = await import('vite');
  await build({ configFile: path.join(ROOT, 'vite.config.ts'), logLevel: 'warn' });
}

/**
 * out/renderer on 127.0.0.1, answered by the app: scheme's own handler (the same files, MIME
 * types, refusals and CSP header as the window gets); `url` is the page, as the window loads it.
 */
export async function serveRenderer(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    // Chromium asks for a favicon by itself; Electron windows never do.
    if (req.url === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    void appResponse({ url: `${APP_ORIGIN}${req.url ?? '/'}`, method: req.method ?? 'GET' }, OUT).then(async (r) => {
      const headers: Record<string, string> = { 'cache-control': 'no-store' };
      r.headers.forEach((value, name) => (headers[name] = value));
      res.writeHead(r.status, headers);
      res.end(Buffer.from(await r.arrayBuffer()));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}${new URL(APP_INDEX_URL).pathname}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

export async function launchBrowser(): Promise<Browser> {
  const executablePath = '/usr/bin/chromium';
  if (!fs.existsSync(executablePath)) throw new Error('Chromium is missing: run `apt-get update && apt-get install -y chromium` (never download a browser through playwright).');
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}

/** Typed arrays do not survive the binding's JSON: they cross as base64 and are rebuilt in the page. */
type Encoded = { __typed: 'f32' | 'f64' | 'u8'; base64: string };

export function encodeTyped(v: unknown): unknown {
  if (v instanceof Float32Array || v instanceof Float64Array || v instanceof Uint8Array) {
    const type = v instanceof Float32Array ? 'f32' : v instanceof Float64Array ? 'f64' : 'u8';
    return { __typed: type, base64: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') } satisfies Encoded;
  }
  if (Array.isArray(v)) return v.map(encodeTyped);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encodeTyped(x)]));
  return v;
}

/** The page side: `window.api` with one method per channel, `on`, and `pathsForFiles`. */
function initScript(channels: readonly string[]): string {
  return `(() => {
  const channels = ${JSON.stringify(channels)};
  const decode = (v) => {
    if (Array.isArray(v)) return v.map(decode);
    if (v && typeof v === 'object') {
      if (v.__typed) {
        const bin = atob(v.base64);
        const bytes = new Uint8Array(bin.length);
        for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
        return v.__typed === 'f32' ? new Float32Array(bytes.buffer) : v.__typed === 'f64' ? new Float64Array(bytes.buffer) : bytes;
      }
      const out = {};
      for (const k of Object.keys(v)) out[k] = decode(v[k]);
      return out;
    }
    return v;
  };
  const listeners = new Map();
  const api = {
    on(event, fn) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(fn);
      return () => set.delete(fn);
    },
    pathsForFiles() { return []; },
  };
  for (const c of channels) api[c] = async (input) => decode(await window.__spectraInvoke(c, input ?? {}));
  Object.defineProperty(window, 'api', { value: Object.freeze(api), writable: false });
  Object.defineProperty(window, '__spectraDispatch', {
    value: (event, payload) => { for (const fn of listeners.get(event) ?? []) fn(decode(payload)); },
  });
})();`;
}

export interface DialogAnswers {
  saveProject: (string | null)[];
  openProject: (string | null)[];
  importFiles: (string[] | null)[];
  labelsFile: (string | null)[];
  exportFolder: (string | null)[];
  predictFiles: (string[] | null)[];
}

/** A Session whose host answers dialogs from queues and forwards events into the page. */
export class Bridge {
  readonly answers: DialogAnswers = { saveProject: [], openProject: [], importFiles: [], labelsFile: [], exportFolder: [], predictFiles: [] };
  readonly host: Host;
  session: Session;
  page: Page | null = null;
  readonly events: { event: EventName; payload: unknown }[] = [];

  constructor(readonly userDataDir: string) {
    const answers = this.answers;
    this.host = {
      dialogs: {
        saveProject: async () => answers.saveProject.shift() ?? null,
        openProject: async () => answers.openProject.shift() ?? null,
        importFiles: async () => answers.importFiles.shift() ?? null,
        labelsFile: async () => answers.labelsFile.shift() ?? null,
        exportFolder: async () => answers.exportFolder.shift() ?? null,
        predictFiles: async () => answers.predictFiles.shift() ?? null,
      },
      emit: <E extends EventName>(event: E, payload: Events[E]) => {
        this.events.push({ event, payload });
        const page = this.page;
        if (!page || page.isClosed()) return;
        page.evaluate(([e, p]) => (window as unknown as { __spectraDispatch?: (e: string, p: unknown) => void }).__spectraDispatch?.(e as string, p), [event, encodeTyped(payload)] as const).catch(() => {});
      },
      userDataDir,
      demoDir: path.join(ROOT, 'assets/demo'),
      version: '0.1.0',
      engine: 'checking…',
      // As the app does: run views (interpretation, prediction, export) in the worker thread.
      views: workerViews(builtFile('main/views-worker.cjs')),
    };
    // As the app does: ask a short-lived trainer process which engine training gets.
    probeEngine(forkTrainer(builtFile('ml/trainer.cjs')))
      .then((info) => (this.host.engine = info.label))
      .catch((err: unknown) => (this.host.engine = `unavailable (${err instanceof Error ? err.message : String(err)})`));
    this.session = new Session(this.host);
  }

  /** Simulates quitting and starting the app: a fresh Session over the same settings folder. */
  restart(): void {
    this.session.close();
    this.session = new Session(this.host);
  }

  async attach(page: Page): Promise<void> {
    this.page = page;
    await page.exposeBinding('__spectraInvoke', async (_source, channel: string, input: unknown) => encodeTyped(await this.session.invoke(channel, input)));
    await page.addInitScript({ content: initScript(CHANNELS) });
  }

  dispose(): void {
    this.session.close();
  }
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Pixel statistics of a canvas: a drawn chart has many non-background pixels. */
export async function canvasInk(page: Page, selector: string): Promise<{ width: number; height: number; inked: number; distinct: number }> {
  return page.locator(selector).first().evaluate((el) => {
    const c = el as HTMLCanvasElement;
    const ctx = c.getContext('2d')!;
    const { data } = ctx.getImageData(0, 0, c.width, c.height);
    let inked = 0;
    const colours = new Set<number>();
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3]! > 0) {
        inked++;
        if (colours.size < 5000) colours.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
      }
    }
    return { width: c.width, height: c.height, inked, distinct: colours.size };
  });
}

/** A page of the built app in Chromium, bridged to a real Session, collecting console problems. */
export interface AppPage {
  browser: Browser;
  page: Page;
  bridge: Bridge;
  /** Temporary folder for this suite (user data, projects, written files). */
  work: string;
  /** Page errors and console errors seen so far (tests assert it stays empty). */
  problems: string[];
  close(): Promise<void>;
}

export interface AppPageOptions {
  /** Also count failed requests and HTTP errors as problems (the suite that checks the shell itself). */
  watchRequests?: boolean;
}

export async function openAppPage(prefix: string, options: AppPageOptions = {}): Promise<AppPage> {
  const server = await serveRenderer();
  const browser = await launchBrowser();
  const work = tempDir(prefix);
  const bridge = new Bridge(path.join(work, 'user-data'));
  const page = await browser.newPage({ viewport: { width: 1400, height: 880 }, colorScheme: 'light' });
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  if (options.watchRequests) {
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
    page.on('response', (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()}: ${r.url()}`));
  }
  await bridge.attach(page);
  const response = await page.goto(server.url);
  // Every suite runs under the window's policy, from the response header and the page's meta tag.
  const header = response?.headers()['content-security-policy'];
  const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  if (header !== CONTENT_SECURITY_POLICY || meta !== META_CONTENT_SECURITY_POLICY) problems.push(`page not under the app's CSP: header ${header}, meta ${meta}`);
  return {
    browser,
    page,
    bridge,
    work,
    problems,
    async close() {
      await browser.close();
      bridge.dispose();
      await server.close();
      fs.rmSync(work, { recursive: true, force: true });
    },
  };
}
