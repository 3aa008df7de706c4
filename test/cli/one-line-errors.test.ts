/** Whatever an error holds, the CLI prints it as one line on stderr. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fail, runCli } from '../../src-main/cli/run';
import { runCaptured } from '../helpers/cli';
import { tmpDir, writeFile } from '../helpers/tmp';

function failCaptured(message: string, where: { file?: string; field?: string } = {}): { code: number; stderr: string } {
  let stderr = '';
  const code = fail({ stdout: { write: () => true }, stderr: { write: (s: string) => (stderr += s) } }, { code: 'BAD_INPUT', message, ...where }, false);
  return { code, stderr };
}

describe('CLI errors are one line', () => {
  it('a message with line breaks, or a field with one, is printed on one line', () => {
    expect(failCaptured('Option "-1" is ambiguous.\n  Did you forget to escape it?\r\nUse --epochs=-1.')).toEqual({
      code: 1,
      stderr: 'spectra-desk: Option "-1" is ambiguous. Did you forget to escape it? Use --epochs=-1.\n',
    });
    expect(failCaptured('Bad value.', { file: 'a.csv', field: 'note\nsecond' }).stderr).toBe('spectra-desk: Bad value. (a.csv, field note second)\n');
  });

  it('import of a file with a 3 MB bad value prints a short line', async () => {
    const dir = tmpDir();
    const file = writeFile(dir, 'big.csv', `id,400,500\na,1,${'1.25;'.repeat(600_000)}\n`);
    const r = await runCaptured(runCli, ['import', file, '--project', path.join(dir, 'p.spectra')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`spectra-desk: big.csv line 2, column "500": value "${'1.25;'.repeat(12)}…" (3\u2009000\u2009000 characters) is not a number.\n`);
  });
});
