import path from 'node:path';

/** Where `scripts/electron-native.mjs` leaves better-sqlite3 rebuilt for Electron's ABI (development only). */
export const ELECTRON_NATIVE_DIR = path.join('.cache', 'electron-native');

export function electronNativeBindingPath(repoRoot: string): string {
  return path.join(repoRoot, ELECTRON_NATIVE_DIR, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
}

export interface AppLocations {
  /** `out/renderer`: the files the app: scheme serves (security.ts, app-protocol.ts), and nothing else. */
  rendererDir: string;
  preload: string;
  /**
   * The import parser's worker thread. Packaged, it is read from `app.asar.unpacked`
   * (electron-builder.yml unpacks it): worker threads have had patchy asar support.
   */
  parseWorker: string;
  /** The worker thread that computes run views (interpretation, prediction, export); unpacked like the parser's. */
  viewsWorker: string;
  demoDir: string;
  /** Window icon on Linux (macOS and Windows take it from the packaged executable). */
  icon: string;
  /**
   * better-sqlite3 binding built for Electron. Unpackaged: the copy from `npm start`'s native step,
   * when it exists. Packaged: undefined, because electron-builder rebuilt the module in place.
   */
  nativeBinding: string | undefined;
  /** The trainer process script (out/ml/trainer.cjs, unpacked: it starts worker threads and reads kernels.wasm). */
  trainer: string;
}

export interface LocationInputs {
  /** Folder holding `package.json` and `out/` (the repository, or `app.asar` when packaged). */
  appRoot: string;
  isPackaged: boolean;
  /** `process.resourcesPath`: where electron-builder puts `extraResources`. */
  resourcesPath: string;
  exists(file: string): boolean;
}

export function appLocations({ appRoot, isPackaged, resourcesPath, exists }: LocationInputs): AppLocations {
  const binding = electronNativeBindingPath(appRoot);
  return {
    rendererDir: path.join(appRoot, 'out', 'renderer'),
    preload: path.join(appRoot, 'out', 'preload', 'index.cjs'),
    parseWorker: path.join(isPackaged && appRoot.endsWith('.asar') ? `${appRoot}.unpacked` : appRoot, 'out', 'main', 'parse-worker.cjs'),
    viewsWorker: path.join(isPackaged && appRoot.endsWith('.asar') ? `${appRoot}.unpacked` : appRoot, 'out', 'main', 'views-worker.cjs'),
    trainer: path.join(isPackaged && appRoot.endsWith('.asar') ? `${appRoot}.unpacked` : appRoot, 'out', 'ml', 'trainer.cjs'),
    demoDir: isPackaged ? path.join(resourcesPath, 'demo') : path.join(appRoot, 'assets', 'demo'),
    icon: path.join(appRoot, 'assets', 'icons', 'icon.png'),
    nativeBinding: !isPackaged && exists(binding) ? binding : undefined,
  };
}
