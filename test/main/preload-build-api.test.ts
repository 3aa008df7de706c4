import { describe, expect, it } from 'vitest';
import { CHANNELS, EVENT_NAMES } from '../../src-main/common/ipc/contract';
import { buildApi } from '../../src-main/preload/build-api';

function harness() {
  const invoked: [string, unknown][] = [];
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const api = buildApi(
    async (channel, input) => {
      invoked.push([channel, input]);
      return { ok: true, value: channel };
    },
    (event, listener) => {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener);
      return () => set.delete(listener);
    },
    (file) => (file as unknown as { path: string }).path,
  );
  const emit = (event: string, payload: unknown) => listeners.get(event)?.forEach((l) => l(payload));
  return { api, invoked, emit };
}

describe('buildApi', () => {
  it('has one method per contract channel plus on and pathsForFiles, and nothing else', () => {
    const { api } = harness();
    expect(Object.keys(api).sort()).toEqual([...CHANNELS, 'on', 'pathsForFiles'].sort());
    expect(Object.isFrozen(api)).toBe(true);
  });

  it('forwards every channel with its one argument', async () => {
    const { api, invoked } = harness();
    const results = [];
    for (const channel of CHANNELS) results.push(await (api[channel] as (i: unknown) => Promise<unknown>)({ probe: channel }));
    expect(invoked).toEqual(CHANNELS.map((c) => [c, { probe: c }]));
    expect(results).toEqual(CHANNELS.map((c) => ({ ok: true, value: c })));
  });

  it('sends an empty object when called without an argument', async () => {
    const { api, invoked } = harness();
    await (api['app:info'] as unknown as () => Promise<unknown>)();
    expect(invoked).toEqual([['app:info', {}]]);
  });

  it('delivers payloads of known events only, and unsubscribes', () => {
    const { api, emit } = harness();
    const got: unknown[] = [];
    const off = api.on('files:dropped', (p) => got.push(p));
    emit('files:dropped', { paths: ['/a.spc'] });
    off();
    emit('files:dropped', { paths: ['/b.spc'] });
    expect(got).toEqual([{ paths: ['/a.spc'] }]);
    for (const name of EVENT_NAMES) expect(typeof api.on(name, () => undefined)).toBe('function');
  });

  it('rejects unknown events and non-function listeners', () => {
    const { api } = harness();
    const on = api.on as (event: unknown, listener: unknown) => () => void;
    expect(() => on('ipc:anything', () => undefined)).toThrow(/unknown event "ipc:anything"/);
    expect(() => on('__proto__', () => undefined)).toThrow(/unknown event/);
    expect(() => on(42, () => undefined)).toThrow(/unknown event/);
    expect(() => on('files:dropped', 'not a function')).toThrow(/must be a function/);
  });

  it('maps dropped files to their paths, leaving out files without one', () => {
    const { api } = harness();
    const files = [{ path: '/d/a.spc' }, { path: '' }, { path: '/d/b.jdx' }] as unknown as File[];
    expect(api.pathsForFiles(files)).toEqual(['/d/a.spc', '/d/b.jdx']);
  });
});
