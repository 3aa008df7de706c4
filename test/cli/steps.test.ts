import { describe, expect, it } from 'vitest';
import { runCli } from '../../src-main/cli/run';
import { STEPS } from '../../src-main/common/preprocessing/registry';

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
  return { code, stdout, stderr };
}

describe('spectra-desk steps', () => {
  it('prints a step with each parameter: name, label with unit, default, then the help', async () => {
    const r = await cli(['steps', 'savitzkyGolay']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'savitzkyGolay — Savitzky–Golay smoothing / derivative',
        '  windowSize       Window (points), default 11',
        '                   Odd number of points in the moving window, at most the spectrum length.',
        '  polynomial       Polynomial order, default 2',
        '                   Order of the local polynomial; less than the window.',
        '  derivative       Derivative, default 0',
        '                   0 smooths; 1 or 2 gives the first or second derivative; at most the polynomial order.',
        '  scaleByAxisStep  Per axis unit, default true',
        '                   Divide derivatives by the mean axis spacing, so they are per axis unit (e.g. per cm⁻¹) rather than per point.',
        '',
      ].join('\n'),
    );
  });

  it('gives axis units by name and leaves out a unit the label already names', async () => {
    expect((await cli(['steps', 'crop'])).stdout.split('\n')[1]).toBe('  ranges   Keep ranges (axis units), default []');
    expect((await cli(['steps', 'arpls'])).stdout.split('\n').slice(5, 7)).toEqual(['  maxIterations  Max. iterations, default 50', '                 Most weighted solves per spectrum.']);
  });

  it('marks fitted steps and steps without parameters', async () => {
    expect((await cli(['steps', 'msc'])).stdout).toBe('msc — Multiplicative scatter correction (MSC) (fitted on the training spectra)\n  no parameters\n');
  });

  it('lists every registered step, in registry order, and one JSON document with --json', async () => {
    const text = await cli(['steps']);
    expect(text.code).toBe(0);
    expect(text.stdout.split('\n').filter((l) => l && !l.startsWith(' ')).map((l) => l.split(' ')[0])).toEqual(STEPS.map((s) => s.kind));
    const json = await cli(['steps', '--json']);
    const doc = JSON.parse(json.stdout) as { steps: { kind: string; params: unknown[] }[] };
    expect(doc.steps.map((s) => s.kind)).toEqual(STEPS.map((s) => s.kind));
    expect(doc.steps.find((s) => s.kind === 'crop')).toEqual({
      kind: 'crop',
      title: 'Crop / exclude regions',
      version: 1,
      fitted: false,
      params: [
        { name: 'ranges', label: 'Keep ranges', unit: 'axis', default: [], help: 'Axis ranges [from, to] to keep (inclusive, either order); none keeps the whole axis.' },
        { name: 'exclude', label: 'Exclude ranges', unit: 'axis', default: [], help: 'Axis ranges [from, to] to drop after the kept ranges (inclusive).' },
      ],
    });
  });

  it('refuses an unknown step kind and extra arguments', async () => {
    const r = await cli(['steps', 'smooth']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^spectra-desk: Unknown preprocessing step "smooth"\. Known steps: crop, resample,/);
    expect((await cli(['steps', 'snv', 'msc'])).stderr).toBe('spectra-desk: Give at most one step kind. Usage: spectra-desk steps [KIND] [--json]\n');
  });
});
