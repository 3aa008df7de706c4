/**
 * `spectra-desk list … | head -1`: the built CLI writing into a pipe whose reader has gone ends
 * quietly with exit code 0, not with an EPIPE stack trace.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src-main/cli/run';
import { runCaptured } from '../helpers/cli';
import { tmpDir, writeFile } from '../helpers/tmp';

const CLI = path.resolve(__dirname, '../../out/cli/index.cjs');

/** Runs the built CLI with `args`, closes its stdout after the first chunk; resolves to its exit and stderr. */
function runIntoClosedPipe(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; firstChunk: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let firstChunk = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.stdout.once('data', (chunk: Buffer) => {
      firstChunk = chunk.toString('utf8');
      child.stdout.destroy();
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr, firstChunk }));
  });
}

describe('a closed stdout', () => {
  it('list into a pipe closed after the first chunk exits 0 with nothing on stderr', async () => {
    // 4000 metadata columns: a listing far larger than a pipe holds, so the writes outlive the reader.
    const dir = tmpDir();
    const columns = Array.from({ length: 4000 }, (_, i) => `m${i}`);
    const rows = [0, 1].map((r) => [`s${r}`, ...columns.map((_, i) => `v${(i + r) % 3}`), '1', '2', '3'].join(','));
    const csv = writeFile(dir, 'wide.csv', `${['id', ...columns, '400', '401', '402'].join(',')}\n${rows.join('\n')}\n`);
    const project = path.join(dir, 'p.spectra');
    expect((await runCaptured(runCli, ['import', csv, '--project', project, '--axis-unit', 'nm'])).code).toBe(0);

    const r = await runIntoClosedPipe(['list', '--project', project]);
    expect(r.firstChunk.split('\n')[0]).toBe('wide: 2 spectra × 3 points (400→402 nm); train 0, test 0, untagged 2');
    expect({ code: r.code, signal: r.signal, stderr: r.stderr }).toEqual({ code: 0, signal: null, stderr: '' });
  }, 30_000);
});
