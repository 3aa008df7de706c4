// Electron main process: lifecycle, the one hardened window, IPC registration and the menu.
// Logic lives in the small pure modules next to this file (tested under test/main); this file
// only wires them to Electron.
import fs from 'node:fs';
import path from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session as electronSession, type WebContents } from 'electron';
import { CHANNELS, type Channel, type EventName, type Events, type Result } from '../common/ipc/contract';
import { toErrorInfo, type ErrorInfo } from '../common/errors';
import { SUPPORTED_FORMATS } from '../io';
import { Session, type Host } from '../services/session';
import { workerParser } from '../services/worker-parser';
import { workerViews } from '../services/views';
import { probeEngine } from '../services/trainer-client';
import { utilityTrainer } from './trainer-process';
import { createCrashReporter } from './crash';
import { createHostDialogs } from './dialogs';
import { filesFromArgv, routeOpenedFiles } from './launch-files';
import { buildMenuTemplate, type MenuHandlers } from './menu';
import { appLocations } from './paths';
import { appResponse } from './app-protocol';
import { APP_INDEX_URL, APP_SCHEME, APP_SCHEME_PRIVILEGES, isAllowedRequestUrl, isTrustedSender, secureWebPreferences, withContentSecurityPolicy } from './security';

const APP_ID = 'org.spectradesk.app';
const FORBIDDEN: Result<never> = { ok: false, error: { code: 'BAD_INPUT', message: 'Request refused: it did not come from the Spectra Desk window.' } };

const reportCrash = createCrashReporter({
  logFile: () => path.join(app.getPath('logs'), 'main.log'),
  show: (title, message) => dialog.showErrorBox(title, message),
});
process.on('uncaughtException', (err) => reportCrash('uncaughtException', err));
process.on('unhandledRejection', (reason) => reportCrash('unhandledRejection', reason));

// Every renderer sandboxed, whatever a window's options say.
app.enableSandbox();
// Privileges can only be given before the app is ready.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { ...APP_SCHEME_PRIVILEGES } }]);

if (!app.requestSingleInstanceLock()) {
  // Another instance is running; it receives our argv through 'second-instance'.
  app.quit();
} else {
  start();
}

function start(): void {
  // out/main/index.cjs → the folder with package.json (the repository, or app.asar when packaged).
  const appRoot = path.resolve(__dirname, '..', '..');
  const locations = appLocations({ appRoot, isPackaged: app.isPackaged, resourcesPath: process.resourcesPath, exists: (f) => fs.existsSync(f) });
  if (!app.isPackaged && !locations.nativeBinding) {
    console.warn('better-sqlite3 has not been rebuilt for Electron; projects will fail to open. Run `node scripts/electron-native.mjs` (npm start does).');
  }

  let mainWindow: BrowserWindow | null = null;
  let rendererReady = false;
  // Events sent before the page has loaded (files passed at launch) wait here.
  let pending: { event: EventName; payload: unknown }[] = [];
  // Files passed before the app is ready ('open-file' on macOS fires early).
  let launchFiles: string[] = filesFromArgv(process.argv, launchOptions(process.cwd()));
  let ready = false;
  let lastRendererReloadMs = 0;

  const liveWindow = (): BrowserWindow | null => (mainWindow && !mainWindow.isDestroyed() ? mainWindow : null);

  function send(event: EventName, payload: unknown): void {
    const win = liveWindow();
    if (win && rendererReady) win.webContents.send(event, payload);
    else pending.push({ event, payload });
  }

  const host: Host = {
    dialogs: createHostDialogs(
      {
        showSaveDialog: (options) => (liveWindow() ? dialog.showSaveDialog(liveWindow()!, options) : dialog.showSaveDialog(options)),
        showOpenDialog: (options) => (liveWindow() ? dialog.showOpenDialog(liveWindow()!, options) : dialog.showOpenDialog(options)),
      },
      SUPPORTED_FORMATS,
      () => app.getPath('documents'),
    ),
    emit<E extends EventName>(event: E, payload: Events[E]): void {
      if (event === 'project:changed') onProjectChanged(payload as Events['project:changed']);
      send(event, payload);
    },
    userDataDir: app.getPath('userData'),
    demoDir: locations.demoDir,
    version: app.getVersion(),
    // Replaced by the trainer's own answer once it has started (see below).
    engine: 'checking…',
    // Parsing a large file on the main thread would freeze the window; without the worker bundle, parse inline.
    ...(fs.existsSync(locations.parseWorker) ? { parser: workerParser(locations.parseWorker) } : {}),
    // Activation maps, predictions and exports of large runs take seconds: a worker thread keeps the main process free.
    ...(fs.existsSync(locations.viewsWorker) ? { views: workerViews(locations.viewsWorker, locations.nativeBinding) } : {}),
    ...(locations.nativeBinding ? { nativeBinding: locations.nativeBinding } : {}),
  };
  if (fs.existsSync(locations.trainer)) host.spawnTrainer = utilityTrainer(locations.trainer);
  const session = new Session(host);
  // Which engine training will use: asked of a short-lived trainer process, shown in the status bar and About.
  if (fs.existsSync(locations.trainer)) {
    probeEngine(utilityTrainer(locations.trainer))
      .then((info) => {
        host.engine = info.label;
      })
      .catch((err: unknown) => {
        host.engine = `unavailable (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`;
      });
  } else host.engine = 'unavailable (out/ml/trainer.cjs was not built)';

  function onProjectChanged(project: Events['project:changed']): void {
    if (!ready) return;
    liveWindow()?.setTitle(project ? `${project.name} — Spectra Desk` : 'Spectra Desk');
    refreshMenu();
  }

  function showError(title: string, error: ErrorInfo): void {
    const options = { type: 'error' as const, title: 'Spectra Desk', message: title, detail: error.message };
    const win = liveWindow();
    void (win ? dialog.showMessageBox(win, options) : dialog.showMessageBox(options));
  }

  async function runFromMenu(channel: Channel, input: unknown, failure: string): Promise<void> {
    const result = await session.invoke(channel, input);
    if (!result.ok) showError(failure, result.error);
  }

  const menuHandlers: MenuHandlers = {
    // The renderer shows these errors in its own UI; without a loaded page, main does the work.
    newProject: () => (rendererReady ? send('menu:command', { command: 'newProject' }) : void runFromMenu('project:create', {}, 'Could not create the project')),
    openProject: () => (rendererReady ? send('menu:command', { command: 'openProject' }) : void runFromMenu('project:open', {}, 'Could not open the project')),
    openRecent: (projectPath) => void runFromMenu('project:openRecent', { path: projectPath }, 'Could not open the project'),
    openDemo: () => void runFromMenu('project:openDemo', {}, 'Could not open the demo project'),
    importFiles: () => send('menu:command', { command: 'import' }),
    importWithLabels: () => send('menu:command', { command: 'importWithLabels' }),
    closeProject: () => void runFromMenu('project:close', {}, 'Could not close the project'),
    about: () => {
      const v = process.versions;
      const options = {
        type: 'info' as const,
        title: 'About Spectra Desk',
        message: `Spectra Desk ${app.getVersion()}`,
        detail: `Training engine: ${host.engine}\nElectron ${v.electron} · Chromium ${v.chrome} · Node ${v.node}`,
      };
      const win = liveWindow();
      void (win ? dialog.showMessageBox(win, options) : dialog.showMessageBox(options));
    },
  };

  function refreshMenu(): void {
    const template = buildMenuTemplate(session.recent.list(), menuHandlers, { isMac: process.platform === 'darwin', isPackaged: app.isPackaged, hasProject: session.project !== null });
    Menu.setApplicationMenu(Menu.buildFromTemplate(template));
  }

  function launchOptions(cwd: string) {
    return { isPackaged: app.isPackaged, cwd, isFile: (f: string) => fs.statSync(f, { throwIfNoEntry: false })?.isFile() === true };
  }

  function openLaunchFiles(files: string[]): void {
    if (!ready) {
      launchFiles.push(...files);
      return;
    }
    const { project, imports } = routeOpenedFiles(files);
    if (project) {
      try {
        session.open(project);
      } catch (err) {
        showError(`Could not open ${path.basename(project)}`, toErrorInfo(err));
      }
    }
    // The renderer's import form takes them, exactly as if they had been dropped on the window.
    if (imports.length) send('files:dropped', { paths: imports });
    const win = liveWindow();
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  }

  function harden(contents: WebContents): void {
    contents.on('will-navigate', (event) => event.preventDefault());
    contents.on('will-frame-navigate', (event) => event.preventDefault());
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  }

  function hardenSession(): void {
    const ses = electronSession.defaultSession;
    ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
    ses.setPermissionCheckHandler(() => false);
    ses.setDevicePermissionHandler(() => false);
    protocol.handle(APP_SCHEME, (request) => appResponse(request, locations.rendererDir));
    ses.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !isAllowedRequestUrl(details.url) }));
    ses.webRequest.onHeadersReceived((details, callback) => callback({ responseHeaders: withContentSecurityPolicy(details.responseHeaders) }));
  }

  function registerIpc(): void {
    for (const channel of CHANNELS) {
      ipcMain.handle(channel, (event, arg: unknown) => {
        if (isTrustedSender(event, liveWindow())) return session.invoke(channel, arg);
        console.warn(`Refused ${channel} from ${event.senderFrame?.url ?? 'a destroyed frame'}`);
        return FORBIDDEN;
      });
    }
  }

  function createWindow(): void {
    const win = new BrowserWindow({
      width: 1360,
      height: 860,
      minWidth: 960,
      minHeight: 600,
      show: false,
      title: 'Spectra Desk',
      backgroundColor: '#ffffff',
      ...(process.platform === 'linux' && fs.existsSync(locations.icon) ? { icon: locations.icon } : {}),
      webPreferences: secureWebPreferences(locations.preload),
    });
    mainWindow = win;
    rendererReady = false;
    win.once('ready-to-show', () => win.show());
    win.on('closed', () => {
      if (mainWindow === win) mainWindow = null;
      rendererReady = false;
    });
    win.webContents.on('did-start-loading', () => {
      rendererReady = false;
    });
    win.webContents.on('did-finish-load', () => {
      rendererReady = true;
      const queued = pending;
      pending = [];
      for (const { event, payload } of queued) win.webContents.send(event, payload);
    });
    win.webContents.on('preload-error', (_event, preloadPath, error) => reportCrash(`preload ${preloadPath}`, error));
    win.webContents.on('render-process-gone', (_event, details) => {
      if (details.reason === 'clean-exit') return;
      reportCrash('renderer', new Error(`The window's renderer stopped (${details.reason}, exit code ${details.exitCode}). Your project is saved; reopen the window from the menu or restart Spectra Desk.`));
      // Reload once; a renderer that keeps dying would otherwise loop.
      if (!win.isDestroyed() && Date.now() - lastRendererReloadMs > 30_000) {
        lastRendererReloadMs = Date.now();
        win.webContents.reload();
      }
    });
    win.loadURL(APP_INDEX_URL).catch((err: unknown) => {
      reportCrash('loadURL', new Error(`Could not load the user interface from ${locations.rendererDir} (${err instanceof Error ? err.message : String(err)}). Run \`npm run build\` and start again.`));
    });
  }

  app.on('web-contents-created', (_event, contents) => harden(contents));

  app.on('open-file', (event, file) => {
    event.preventDefault();
    openLaunchFiles([file]);
  });

  app.on('second-instance', (_event, argv, workingDirectory) => {
    if (!liveWindow() && ready) createWindow();
    openLaunchFiles(filesFromArgv(argv, launchOptions(workingDirectory)));
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  app.on('activate', () => {
    if (ready && !liveWindow()) createWindow();
  });

  app.on('will-quit', () => {
    ready = false;
    session.close();
  });

  app
    .whenReady()
    .then(() => {
      if (process.platform === 'win32') app.setAppUserModelId(APP_ID);
      hardenSession();
      registerIpc();
      ready = true;
      refreshMenu();
      createWindow();
      const files = launchFiles;
      launchFiles = [];
      if (files.length) openLaunchFiles(files);
    })
    .catch((err: unknown) => reportCrash('startup', err));
}
