import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src-main/cli/run';
import { fixture } from '../helpers/datasets';
import { tmpDir, writeFile } from '../helpers/tmp';
import { runCaptured } from '../helpers/cli';

const cli = (args: string[]) => runCaptured(runCli, args);

describe('spectra-desk CLI', () => {
  it('imports Strawberry TRAIN/TEST with split tags and lists 983 × 235, 613/370, 2 classes', async () => {
    const project = path.join(tmpDir(), 'berry.spectra');
    const a = await cli(['import', fixture('ucr_spectro/Strawberry/Strawberry_TRAIN.tsv'), '--project', project, '--dataset', 'Strawberry', '--split-tag', 'train', '--json']);
    expect(a.code).toBe(0);
    expect(JSON.parse(a.stdout)).toMatchObject({ dataset: 'Strawberry', samples: 613, files: [{ format: 'table-headerless', samples: 613 }] });
    const b = await cli(['import', fixture('ucr_spectro/Strawberry/Strawberry_TEST.tsv'), '--project', project, '--dataset', 'Strawberry', '--split-tag', 'test', '--json']);
    expect(b.code).toBe(0);
    const list = await cli(['list', '--project', project, '--json']);
    expect(list.code).toBe(0);
    const doc = JSON.parse(list.stdout) as { datasets: unknown[] };
    expect(doc.datasets).toHaveLength(1);
    expect(doc.datasets[0]).toMatchObject({
      name: 'Strawberry',
      samples: 983,
      points: 235,
      splits: { train: 613, test: 370 },
      columns: { class: { kind: 'class', distinct: 2 } },
    });
  });

  it('imports a wide CSV with a set column and typed metadata columns', async () => {
    const dir = tmpDir();
    const wl = [1100, 1102, 1104, 1106];
    const rows = [
      `sample,set,cultivar,protein_pct,operator,${wl.join(',')}`,
      ...Array.from({ length: 8 }, (_, i) => `w${i},${i < 6 ? 'train' : 'test'},${i % 2 ? 'durum' : 'spelt'},${(10 + i * 0.5).toFixed(1)},op-${i},0.${i}1,0.${i}2,0.${i}3,0.${i}4`),
    ];
    const csv = writeFile(dir, 'wheat.csv', `${rows.join('\n')}\n`);
    const project = path.join(dir, 'p.spectra');
    expect((await cli(['import', csv, '--project', project, '--split-column', 'set'])).code).toBe(0);
    const doc = JSON.parse((await cli(['list', '--project', project, '--json'])).stdout) as { datasets: Record<string, unknown>[] };
    expect(doc.datasets[0]).toMatchObject({
      name: 'wheat',
      samples: 8,
      points: 4,
      splits: { train: 6, test: 2, none: 0 },
      columns: { cultivar: { kind: 'class', distinct: 2 }, protein_pct: { kind: 'number', distinct: 8 }, operator: { kind: 'text', distinct: 8 } },
    });
    expect(Object.keys(doc.datasets[0]!.columns as object)).toEqual(['cultivar', 'protein_pct', 'operator']);
  });

  it('reports errors on stderr with a non-zero exit and one JSON document with --json', async () => {
    const dir = tmpDir();
    const bad = writeFile(dir, 'mixtures.csv', 'id,1000,1001,1002\na,1,2,3\nb,1,2\n');
    const r = await cli(['import', bad, '--project', path.join(dir, 'p.spectra'), '--json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^spectra-desk: .*mixtures\.csv/);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: 'BAD_INPUT', file: 'mixtures.csv', line: 3 } });
    const usage = await cli(['import', '--project']);
    expect(usage.code).toBe(1);
    expect((await cli(['frobnicate'])).stderr).toBe('spectra-desk: Unknown command "frobnicate". Run spectra-desk --help for the list.\n');
    const missing = await cli(['list', '--project', path.join(dir, 'nope.spectra')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nope\.spectra does not exist/);
  });

  it('runs as the installed bin (npx spectra-desk) from the built bundle', () => {
    const root = path.resolve(__dirname, '../..');
    expect(fs.existsSync(path.join(root, 'out/cli/index.cjs'))).toBe(true);
    const project = path.join(tmpDir(), 'p.spectra');
    const res = spawnSync(process.execPath, [path.join(root, 'bin/spectra-desk.cjs'), 'import', fixture('ucr_spectro/Coffee/Coffee_TEST.tsv'), '--project', project, '--split-tag', 'test'], { encoding: 'utf8' });
    expect(res.stderr).not.toMatch(/Error/);
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/^Imported 28 spectra from 1 file\(s\) into dataset "Coffee" in \d+\.\d\d s\.\n$/);
    const list = spawnSync(process.execPath, [path.join(root, 'bin/spectra-desk.cjs'), 'list', '--project', project], { encoding: 'utf8' });
    expect(list.status).toBe(0);
    expect(list.stdout.split('\n')[0]).toBe('Coffee: 28 spectra × 286 points (1→286 index); train 0, test 28, untagged 0');
  });
});
