import { CHANNELS, EVENT_NAMES } from '../common/ipc/channels';
import type { Api, Channel, EventName } from '../common/ipc/contract';

export type Invoke = (channel: Channel, input: unknown) => Promise<unknown>;
/** Subscribes to a push event; returns the function that unsubscribes. */
export type Subscribe = (event: EventName, listener: (payload: unknown) => void) => () => void;
export type PathForFile = (file: File) => string;

/**
 * `window.api`, generated from the contract: one method per channel, `on` for the push events
 * named in `EVENT_NAMES` (anything else throws), and `pathsForFiles` for dropped files.
 * Nothing Electron-specific leaks through: listeners get the payload only, never the IPC event.
 */
export function buildApi(invoke: Invoke, subscribe: Subscribe, pathForFile: PathForFile): Api {
  const api: Record<string, unknown> = {};
  for (const channel of CHANNELS) {
    api[channel] = (input: unknown) => invoke(channel, input ?? {});
  }
  api.on = (event: unknown, listener: unknown): (() => void) => {
    if (typeof event !== 'string' || !(EVENT_NAMES as readonly string[]).includes(event)) {
      throw new Error(`window.api.on: unknown event ${JSON.stringify(event)}. Known events: ${EVENT_NAMES.join(', ')}.`);
    }
    if (typeof listener !== 'function') throw new Error(`window.api.on(${event}): the listener must be a function.`);
    return subscribe(event as EventName, (payload) => (listener as (p: unknown) => void)(payload));
  };
  // Files that do not come from disk (made in the page) have no path: leave them out.
  api.pathsForFiles = (files: ArrayLike<File>): string[] => Array.from(files, (f) => pathForFile(f)).filter((p) => p.length > 0);
  return Object.freeze(api) as unknown as Api;
}
