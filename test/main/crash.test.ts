import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCrashReporter, describeError } from '../../src-main/main/crash';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  vi.restoreAllMocks();
});

describe('describeError', () => {
  it('writes time, origin and what was thrown', () => {
    const now = new Date('2025-01-02T03:04:05.000Z');
    expect(describeError('unhandledRejection', 'boom', now)).toBe('2025-01-02T03:04:05.000Z [unhandledRejection] boom');
    expect(describeError('x', { code: 7 }, now)).toBe('2025-01-02T03:04:05.000Z [x] {"code":7}');
    expect(describeError('x', new Error('bad'), now)).toMatch(/^2025-01-02T03:04:05.000Z \[x\] Error: bad\n\s+at /);
  });
});

describe('createCrashReporter', () => {
  it('logs to the file and shows one dialog for a burst of errors', () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sd-crash-'));
    dirs.push(dir);
    const logFile = path.join(dir, 'logs', 'main.log');
    const shown: string[] = [];
    const report = createCrashReporter({ logFile: () => logFile, show: (title, message) => shown.push(`${title}: ${message.split('\n')[0]}`) });
    report('uncaughtException', new Error('first'));
    report('uncaughtException', new Error('second'));
    expect(shown).toEqual(['Spectra Desk ran into a problem: first']);
    expect(fs.readFileSync(logFile, 'utf8').split('\n').filter((l) => /\[uncaughtException\] Error: /.test(l)).length).toBe(2);
  });

  it('still shows the problem when the log cannot be written', () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const shown: string[] = [];
    const report = createCrashReporter({ logFile: () => { throw new Error('no logs folder'); }, show: (_t, m) => shown.push(m) });
    report('startup', 'kaput');
    expect(shown.length).toBe(1);
    expect(shown[0]).toMatch(/^kaput\n\nIf this keeps happening/);
  });
});
