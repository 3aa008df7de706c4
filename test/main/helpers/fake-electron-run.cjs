// Runs the bundled main process (argv[2]) against a fake 'electron' module and prints what it
// did as one JSON document. Electron itself cannot run in CI; this checks the wiring.
const Module = require('node:module');
const os = require('node:os');
const path = require('node:path');
const { EventEmitter } = require('node:events');
const { pathToFileURL } = require('node:url');

const [, , bundle, userData, ...launchFiles] = process.argv;
const appRoot = path.resolve(path.dirname(bundle), '..', '..');
const rendererUrl = pathToFileURL(path.join(appRoot, 'out', 'renderer', 'index.html')).href;
const log = { handlers: [], windows: [], sessionHooks: [], menus: 0, sent: [] };

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
  loadFile(file) { log.loaded = file; return Promise.resolve(); }
}
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
  let cancelled = null;
  log.beforeRequest({ url: 'https://example.com/x.js' }, (r) => (cancelled = r.cancel));
  let headers = null;
  log.headersReceived({ responseHeaders: {} }, (r) => (headers = r.responseHeaders));
  contents.emit('did-finish-load');
  const out = {
    sandbox: log.sandbox === true,
    channels: log.handlers.map(([c]) => c),
    webPreferences: win.options.webPreferences,
    loaded: path.relative(appRoot, log.loaded),
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
