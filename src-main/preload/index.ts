// Sandboxed preload: exposes `window.api` (generated from the IPC contract) and nothing else.
// A sandboxed preload may only require 'electron' and a few built-ins; the bundle inlines the
// contract and zod and must not pull in anything Node-only.
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { buildApi } from './build-api';

const api = buildApi(
  (channel, input) => ipcRenderer.invoke(channel, input),
  (event, listener) => {
    const forward = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(event, forward);
    return () => {
      ipcRenderer.removeListener(event, forward);
    };
  },
  (file) => webUtils.getPathForFile(file),
);

contextBridge.exposeInMainWorld('api', api);
