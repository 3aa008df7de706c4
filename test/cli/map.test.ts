/** `spectra-desk map` and the map part of `list`: chondro as a 35 × 25 map, its images as PNG and CSV, and the refusals. */
import fs from 'node:fs';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src-main/cli/run';
import { writeCube } from '../../src-main/bench/map';
import { fixture } from '../helpers/datasets';
import { runCaptured } from '../helpers/cli';
import { tmpDir } from '../helpers/tmp';

const cli = (args: string[]) => runCaptured(runCli, args);

async function chondroProject(): Promise<{ dir: string; project: string }> {
  const dir = tmpDir();
  const project = path.join(dir, 'p.spectra');
  expect((await cli(['import', fixture('raman_map_chondro', 'chondro.csv'), '--project', project, '--dataset', 'chondro', '--axis-unit', 'cm-1'])).code).toBe(0);
  return { dir, project };
}

describe('spectra-desk map', () => {
  it('list says chondro is a 35 × 25 map', async () => {
    const { project } = await chondroProject();
    const listed = JSON.parse((await cli(['list', '--project', project, '--json'])).stdout) as { datasets: { map: Record<string, unknown> }[] };
    expect(listed.datasets[0]!.map).toEqual({ width: 35, height: 25, pixels: 875, missing: 0, step: 1, stepX: 1, stepY: 1, x0: -11.55, y0: -4.77, unit: null });
    expect((await cli(['list', '--project', project])).stdout.split('\n')[1]).toBe('  map: 35 × 25 pixels, step 1');
  });

  it('writes a band image as PNG and a k-means image as CSV, with the adjusted Rand index against a column', async () => {
    const { dir, project } = await chondroProject();
    const png = path.join(dir, 'band.png');
    const band = await cli(['map', '--project', project, '--dataset', 'chondro', '--band', '1002', '--out', png, '--scale', '3']);
    expect(band.stderr).toBe('');
    expect(band.stdout).toBe(`Wrote ${png}: Intensity at 1002 cm⁻¹, 35 × 25 pixels; 797.4 to 1553.\n`);
    const bytes = fs.readFileSync(png);
    expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([105, 75]);
    const idat = bytes.indexOf('IDAT');
    const raw = inflateSync(bytes.subarray(idat + 4, idat + 4 + bytes.readUInt32BE(idat - 4)));
    expect(raw.length).toBe(75 * (105 * 4 + 1));

    const svg = path.join(dir, 'band.svg');
    expect((await cli(['map', '--project', project, '--dataset', 'chondro', '--band', '1002', '--out', svg])).stdout).toBe(`Wrote ${svg}: Intensity at 1002 cm⁻¹, 35 × 25 pixels; 797.4 to 1553.\n`);
    const text = fs.readFileSync(svg, 'utf8');
    expect([...text.matchAll(/<text [^>]*>([^<]*)<\/text>/g)].map((m) => m[1])).toEqual(['Intensity at 1002 cm⁻¹', '797.393', '1553.27', 'Intensity (unit not given by the file)', 'x -11.55 → 22.45 left to right, y -4.77 → 19.23 top to bottom']);

    const csv = path.join(dir, 'kmeans.csv');
    const km = await cli(['map', '--project', project, '--dataset', 'chondro', '--kmeans', '3', '--seed', '1', '--out', csv, '--compare', 'cluster', '--json']);
    const out = JSON.parse(km.stdout) as { classes: string[]; counts: number[]; compare: { column: string; pixels: number; adjustedRandIndex: number } };
    expect(out.classes).toEqual(['cluster 1', 'cluster 2', 'cluster 3']);
    expect(out.counts.reduce((a, b) => a + b)).toBe(875);
    expect(out.compare.pixels).toBe(869);
    const lines = fs.readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('col,row,x,y,sample,"k-means, 3 clusters (seed 1)"');
    expect(lines[1]).toMatch(/^0,0,-11\.55,-4\.77,chondro:1,cluster [123]$/);
  });

  it('refuses a missing or doubled image option, a bad range, a non-map dataset and an unknown extension', async () => {
    const { dir, project } = await chondroProject();
    const out = path.join(dir, 'x.png');
    const base = ['map', '--project', project, '--dataset', 'chondro', '--out', out];
    expect((await cli(base)).stderr).toBe('spectra-desk: Give one of --band X, --area A:B, --ratio X/Y, --pca K, --kmeans K, --ward K, --class COLUMN or --run R.\n');
    expect((await cli([...base, '--band', '1000', '--pca', '1'])).stderr).toBe('spectra-desk: Give one of --band X, --area A:B, --ratio X/Y, --pca K, --kmeans K, --ward K, --class COLUMN or --run R (got --band and --pca).\n');
    expect((await cli([...base, '--area', '1000'])).stderr).toBe('spectra-desk: --area takes two positions as A:B, not "1000". (field --area)\n');
    expect((await cli([...base, '--kmeans', '1'])).stderr).toBe('spectra-desk: --kmeans must be a whole number from 2 to 20 (got "1"). (field kmeans)\n');
    expect((await cli([...base, '--band', '3000'])).stderr).toBe("spectra-desk: 3000 cm⁻¹ is outside the spectra's axis (602 to 1798 cm⁻¹).\n");
    expect((await cli([...base.slice(0, -1), path.join(dir, 'x.tif'), '--band', '1000'])).stderr).toBe('spectra-desk: --out must end in .png, .svg or .csv, not "x.tif". (field --out)\n');
    expect(fs.existsSync(out)).toBe(false);
  });

  it('a map of 20,000 spectra or more reports the passes of its image on stderr, ending with the last one; stdout holds the summary alone', async () => {
    const dir = tmpDir();
    const project = path.join(dir, 'p.spectra');
    writeCube(dir, 'cube', { width: 150, height: 150, bands: 16 }, 12345);
    expect((await cli(['import', path.join(dir, 'cube.hdr'), '--project', project, '--dataset', 'cube'])).code).toBe(0);
    const r = await cli(['map', '--project', project, '--dataset', 'cube', '--kmeans', '3', '--seed', '1', '--out', path.join(dir, 'k.csv')]);
    expect(r.code).toBe(0);
    // Lines in between come at most every half second (how many depends on the machine's speed); each pass's last line always comes.
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines.every((l) => /^k-means, pass \d+: [\d,]+ of 22,500 spectra$/.test(l))).toBe(true);
    expect(lines.filter((l) => l.endsWith(': 22,500 of 22,500 spectra'))).toEqual([1, 2, 3, 4, 5].map((k) => `k-means, pass ${k}: 22,500 of 22,500 spectra`));
    expect(r.stdout).toBe(`Wrote ${path.join(dir, 'k.csv')}: k-means, 3 clusters (seed 1), 150 × 150 pixels; cluster 1 7500, cluster 2 7500, cluster 3 7500.\n`);
  });
});
