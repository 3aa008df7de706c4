/**
 * The only module that touches `window.api` (the preload's bridge to the main process).
 * `call` unwraps a Result into its value or throws an ApiError carrying the ErrorInfo, so
 * components can `try { await call(...) } catch (e) { show(e) }` and never see a raw Result.
 */
import type { Api, Channel, EventName, Events, Input, Output, Result, SpectraPreview } from '@common/ipc/contract';
import type { ErrorCode, ErrorInfo } from '@common/errors';
import { trainRowsOf } from './format';

declare global {
  interface Window {
    api?: Api;
  }
}

export class ApiError extends Error {
  readonly info: ErrorInfo;
  readonly channel: string;

  constructor(channel: string, info: ErrorInfo) {
    super(info.message);
    this.name = 'ApiError';
    this.channel = channel;
    this.info = info;
  }

  get code(): ErrorCode {
    return this.info.code;
  }
}

function bridge(): Api {
  const api = window.api;
  if (!api) throw new ApiError('app', { code: 'INTERNAL', message: 'Spectra Desk was opened without its main process (window.api is missing).' });
  return api;
}

export function hasBridge(): boolean {
  return window.api !== undefined;
}

export async function call<C extends Channel>(channel: C, input: Input<C>): Promise<Output<C>> {
  const method = bridge()[channel] as unknown as (input: Input<C>) => Promise<Result<Output<C>>>;
  let result;
  try {
    result = await method(input);
  } catch (err) {
    // The bridge itself failed (not a handler error, which arrives as a Result).
    throw new ApiError(channel, { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) });
  }
  if (result.ok) return result.value as Output<C>;
  throw new ApiError(channel, result.error);
}

export function on<E extends EventName>(event: E, fn: (payload: Events[E]) => void): () => void {
  const api = window.api;
  if (!api) return () => {};
  return api.on(event, fn);
}

export function pathsForFiles(files: File[]): string[] {
  return window.api?.pathsForFiles(files) ?? [];
}

/** Converts anything thrown into the ErrorInfo shape the UI shows. */
export function errorInfo(err: unknown): ErrorInfo {
  if (err instanceof ApiError) return err.info;
  if (err instanceof Error) return { code: 'INTERNAL', message: err.message };
  return { code: 'INTERNAL', message: String(err) };
}

/**
 * For an $effect that loads something: hands what `load` resolves to to `done`, or the message
 * of what it throws to `failed`, unless the returned function (the effect's cleanup) ran first,
 * so that only the latest load lands. `settled` runs after either, under the same condition.
 */
export function latest<T>(load: Promise<T>, done: (value: T) => void, failed: (message: string) => void, settled?: () => void): () => void {
  let stale = false;
  load
    .then((value) => {
      if (!stale) done(value);
    })
    .catch((e) => {
      if (!stale) failed(errorInfo(e).message);
    })
    .finally(() => {
      if (!stale) settled?.();
    });
  return () => {
    stale = true;
  };
}

/** A view's sample of a dataset's spectra (at most `maxSpectra`, grouped by `colorBy`), with its rows tagged train. */
export async function loadViewSpectra(datasetId: number, maxSpectra: number, colorBy: string, channel = 0): Promise<{ preview: SpectraPreview; trainRows: number[] }> {
  const preview = await call('datasets:spectra', { datasetId, maxSpectra, ...(colorBy ? { colorBy } : {}), ...(channel ? { channel } : {}) });
  return { preview, trainRows: trainRowsOf(preview) };
}

export function newJobId(prefix: string): string {
  const rand = typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  return `${prefix}-${rand}`;
}
