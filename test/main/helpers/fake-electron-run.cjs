// Runs the bundled main process (argv[2]) against a fake 'electron' module and prints what it
// did as one JSON document. Electron itself cannot run in CI; this checks the wiring.
const Module = require('node:module');
const os = require('node:os');
const path = require('node:path');
const { EventEmitter } = require('node:events');

const [, , bundle, userData, ...launchFiles] = process.argv;
const appRoot = path.resolve(path.dirname(bundle), '..', '..');
const rendererUrl = 'app://spectra-desk/index.html';
const log = { handlers: [], windows: [], sessionHooks: [], menus: 0, sent: [], schemes: [], protocols: new Map() };
let isReady = false;

class FakeContents extends EventEmitter {
  constructor() {
    super();
    this.mainFrame = { url: rendererUrl, parent: null };
    this.openHandler = null;
  }
  isDestroyed() { return false; }
  setWindowOpenHandler(fn) { this.openHandler = fn; }
  send(event, payload) { log.sent.push([event, payload]); }
  reload() {}
}
const app = new EventEmitter();
let readyResolve;
const ready = new Promise((r) => (readyResolve = r));
Object.assign(app, {
  isPackaged: false,
  enableSandbox() { log.sandbox = true; },
  requestSingleInstanceLock() { return true; },
  quit() { log.quit = true; },
  whenReady() { return ready; },
  getPath(name) { return name === 'userData' ? userData : path.join(os.tmpdir(), name); },
  getVersion() { return '0.0.0-test'; },
  setAppUserModelId() {},
});
class BrowserWindow extends EventEmitter {
  constructor(options) {
    super();
    this.options = options;
    this.webContents = new FakeContents();
    app.emit('web-contents-created', {}, this.webContents);
    log.windows.push(this);
  }
  isDestroyed() { return false; }
  isMinimized() { return false; }
  show() {}
  focus() {}
  setTitle(t) { log.title = t; }
  loadURL(url) { log.loaded = url; return Promise.resolve(); }
}
const protocol = {
  registerSchemesAsPrivileged(schemes) { log.schemes.push({ beforeReady: !isReady, schemes }); },
  handle(scheme, fn) { log.protocols.set(scheme, fn); },
};
const ipcMain = { handle(channel, fn) { log.handlers.push([channel, fn]); } };
const webRequest = {
  onBeforeRequest(fn) { log.beforeRequest = fn; },
  onHeadersReceived(fn) { log.headersReceived = fn; },
};
const defaultSession = {
  webRequest,
  setPermissionRequestHandler(fn) { log.permissionRequest = fn; },
  setPermissionCheckHandler(fn) { log.permissionCheck = fn; },
  setDevicePermissionHandler(fn) { log.devicePermission = fn; },
};
const fake = {
  app,
  BrowserWindow,
  ipcMain,
  protocol,
  dialog: { showErrorBox: (t, m) => (log.errorBox = `${t}: ${m}`), showMessageBox: async () => ({ response: 0 }) },
  Menu: { buildFromTemplate: (t) => t, setApplicationMenu: (m) => { log.menus += 1; log.menu = m; } },
  session: { defaultSession },
};
const load = Module._load;
Module._load = function (request, ...rest) {
  return request === 'electron' ? fake : load.call(this, request, ...rest);
};
process.argv = ['/usr/bin/electron', appRoot, '--some-chromium-switch', ...launchFiles];
require(bundle);
isReady = true;
readyResolve();

setTimeout(async () => {
  const win = log.windows[0];
  const contents = win.webContents;
  const trusted = { sender: contents, senderFrame: contents.mainFrame };
  const handler = new Map(log.handlers);
  const info = await handler.get('app:info')(trusted, {});
  const refused = await handler.get('app:info')({ sender: contents, senderFrame: { url: 'file:///tmp/evil.html', parent: null } }, {});
  const badInput = await handler.get('datasets:get')(trusted, { datasetId: -1 });
  const prevented = {};
  for (const name of ['will-navigate', 'will-frame-navigate', 'will-redirect', 'will-attach-webview']) {
    let p = false;
    contents.emit(name, { preventDefault: () => (p = true) }, 'https://example.com/');
    prevented[name] = p;
  }
  let permission = null;
  log.permissionRequest(contents, 'media', (ok) => (permission = ok));
  const cancelled = {};
  for (const url of ['https://example.com/x.js', 'file:///etc/passwd', 'app://spectra-desk/assets/index.js']) log.beforeRequest({ url }, (r) => (cancelled[url] = r.cancel));
  const serve = log.protocols.get('app');
  const served = {};
  for (const url of [rendererUrl, 'app://spectra-desk/..%2F..%2Fmain%2Findex.cjs', 'app://other/index.html']) {
    const r = await serve({ url, method: 'GET' });
    served[url] = [r.status, r.headers.get('content-type'), r.headers.get('content-security-policy'), await r.text()];
  }
  let headers = null;
  log.headersReceived({ responseHeaders: {} }, (r) => (headers = r.responseHeaders));
  contents.emit('did-finish-load');
  const out = {
    sandbox: log.sandbox === true,
    channels: log.handlers.map(([c]) => c),
    webPreferences: win.options.webPreferences,
    schemes: log.schemes,
    protocols: [...log.protocols.keys()],
    served,
    loaded: log.loaded,
    info: info.ok ? { ok: true, version: info.value.version, engine: info.value.engine } : info,
    refused,
    badInput: badInput.ok ? 'accepted' : badInput.error.code,
    prevented,
    windowOpen: contents.openHandler({ url: 'https://example.com/' }),
    permission,
    permissionCheck: log.permissionCheck(contents, 'clipboard-read'),
    cancelled,
    csp: headers['Content-Security-Policy'],
    menu: log.menu.map((m) => m.label),
    menus: log.menus,
    sent: log.sent,
    errorBox: log.errorBox ?? null,
  };
  process.stdout.write(JSON.stringify(out));
  process.exit(0);
}, 200);
