import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appLocations, electronNativeBindingPath } from '../../src-main/main/paths';

describe('appLocations', () => {
  const binding = electronNativeBindingPath('/repo');

  it('uses the repository and the Electron rebuild of better-sqlite3 when unpackaged', () => {
    expect(appLocations({ appRoot: '/repo', isPackaged: false, resourcesPath: '/x/resources', exists: (f) => f === binding })).toEqual({
      rendererDir: path.join('/repo', 'out', 'renderer'),
      preload: path.join('/repo', 'out', 'preload', 'index.cjs'),
      parseWorker: path.join('/repo', 'out', 'main', 'parse-worker.cjs'),
      viewsWorker: path.join('/repo', 'out', 'main', 'views-worker.cjs'),
      trainer: path.join('/repo', 'out', 'ml', 'trainer.cjs'),
      demoDir: path.join('/repo', 'assets', 'demo'),
      icon: path.join('/repo', 'assets', 'icons', 'icon.png'),
      nativeBinding: path.join('/repo', '.cache', 'electron-native', 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'),
    });
  });

  it('leaves the binding to better-sqlite3 when the rebuild is missing', () => {
    expect(appLocations({ appRoot: '/repo', isPackaged: false, resourcesPath: '/x', exists: () => false }).nativeBinding).toBeUndefined();
  });

  it('uses the resources folder and the module electron-builder rebuilt when packaged', () => {
    const l = appLocations({ appRoot: '/opt/SD/resources/app.asar', isPackaged: true, resourcesPath: '/opt/SD/resources', exists: () => true });
    expect([l.demoDir, l.nativeBinding, l.rendererDir, l.parseWorker, l.viewsWorker, l.trainer]).toEqual([
      path.join('/opt/SD/resources', 'demo'),
      undefined,
      path.join('/opt/SD/resources/app.asar', 'out', 'renderer'),
      path.join('/opt/SD/resources/app.asar.unpacked', 'out', 'main', 'parse-worker.cjs'),
      path.join('/opt/SD/resources/app.asar.unpacked', 'out', 'main', 'views-worker.cjs'),
      path.join('/opt/SD/resources/app.asar.unpacked', 'out', 'ml', 'trainer.cjs'),
    ]);
  });
});
