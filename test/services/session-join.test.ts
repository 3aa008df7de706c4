/**
 * Joining datasets into channels through the app's IPC (`datasets:join`), the channel count of
 * each sample in the sample table (`datasets:samples`), and every channel of a sample on its own
 * axis (`datasets:channels`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Session, type Host } from '../../src-main/services/session';
import type { Channel, Input, Output } from '../../src-main/common/ipc/contract';
import { tmpDir } from '../helpers/tmp';

function host(dir: string, saveProject: string): Host {
  return {
    dialogs: { saveProject: async () => saveProject, openProject: async () => null, importFiles: async () => null, labelsFile: async () => null },
    emit: () => undefined,
    userDataDir: path.join(dir, 'userdata'),
    demoDir: path.resolve(__dirname, '../../assets/demo'),
    version: '0.0.0-test',
    engine: 'test engine',
  };
}

/** A wide CSV without sample ids: split, assay, then the intensities on `axis`. */
function writeCsv(dir: string, name: string, axis: number[], rows: { split: string; assay: number; values: number[] }[]): string {
  const file = path.join(dir, `${name}.csv`);
  fs.writeFileSync(file, `split,assay,${axis.join(',')}\n${rows.map((r) => [r.split, r.assay, ...r.values].join(',')).join('\n')}\n`);
  return file;
}

/** The value of a call that succeeds, typed by the contract. */
async function value<C extends Channel>(s: Session, channel: C, input: Input<C>): Promise<Output<C>> {
  const r = await s.invoke(channel, input);
  if (!r.ok) throw new Error(`${channel} failed: ${r.error.message}`);
  return r.value as Output<C>;
}

async function session(): Promise<{ s: Session; dir: string }> {
  const dir = tmpDir();
  const s = new Session(host(dir, path.join(dir, 'tablets.spectra')));
  expect(await s.invoke('project:create', {})).toMatchObject({ ok: true });
  const rows = [
    { split: 'train', assay: 190.5, values: [1, 2, 3] },
    { split: 'train', assay: 201.25, values: [4, 5, 6] },
    { split: 'test', assay: 175, values: [7, 8, 9] },
  ];
  const first = writeCsv(dir, 'inst1', [600, 602, 604], rows);
  // The second instrument on its own axis (four points, 601–607 nm).
  const second = writeCsv(dir, 'inst2', [601, 603, 605, 607], rows.map((r) => ({ ...r, values: [...r.values.map((v) => v * 10), r.values[2]! * 10 + 5] })));
  const short = writeCsv(dir, 'short', [600, 602, 604], rows.slice(0, 2));
  for (const [file, dataset] of [[first, 'Instrument 1'], [second, 'Instrument 2'], [short, 'Two tablets']] as const) {
    expect(await s.invoke('datasets:import', { paths: [file], dataset, axisUnit: 'nm', splitColumn: 'split', jobId: dataset })).toMatchObject({ ok: true });
  }
  return { s, dir };
}

describe('joining datasets over IPC', () => {
  it('stores one dataset with a channel per source, paired by position; the sample table counts the channels; each channel comes on its own axis', async () => {
    const { s } = await session();
    const joined = await value(s, 'datasets:join', { datasetIds: [1, 2], name: 'Both instruments', by: 'position' });
    expect({ ...joined, durationMs: 0 }).toEqual({
      datasetId: 4,
      dataset: 'Both instruments',
      samples: 3,
      by: 'position',
      channels: [
        { channel: 0, name: 'Instrument 1', source: 'Instrument 1', points: 3, unit: 'nm', first: 600, last: 604 },
        { channel: 1, name: 'Instrument 2', source: 'Instrument 2', points: 4, unit: 'nm', first: 601, last: 607 },
      ],
      sameAxis: false,
      columns: ['assay'],
      durationMs: 0,
    });
    expect(await s.invoke('datasets:get', { datasetId: 4 })).toMatchObject({ ok: true, value: { name: 'Both instruments', samples: 3, channels: 2, points: 3 } });

    const page = await value(s, 'datasets:samples', { datasetId: 4, offset: 0, limit: 10 });
    expect(page.rows.map((r) => [r.key, r.split, r.channels, r.values.assay])).toEqual([
      ['inst1:1', 'train', 2, 190.5],
      ['inst1:2', 'train', 2, 201.25],
      ['inst1:3', 'test', 2, 175],
    ]);
    expect((await value(s, 'datasets:samples', { datasetId: 1, offset: 0, limit: 1 })).rows[0]!.channels).toBe(1);

    const ids = page.rows.map((r) => r.id);
    const ch = await value(s, 'datasets:channels', { datasetId: 4, sampleIds: [ids[2]!, ids[0]!] });
    expect(ch.axisUnit).toBe('nm');
    expect(ch.channels.map((c) => [c.name, Array.from(c.axis)])).toEqual([
      ['Instrument 1', [600, 602, 604]],
      ['Instrument 2', [601, 603, 605, 607]],
    ]);
    expect(ch.samples.map((x) => [x.key, x.values.map((v) => Array.from(v))])).toEqual([
      ['inst1:3', [[7, 8, 9], [70, 80, 90, 95]]],
      ['inst1:1', [[1, 2, 3], [10, 20, 30, 35]]],
    ]);
  });

  it('answers a join that cannot pair the samples with a one-line error naming why, and stores nothing', async () => {
    const { s } = await session();
    const r = await s.invoke('datasets:join', { datasetIds: [1, 3], name: 'Mismatch', by: 'position' });
    expect(r).toEqual({
      ok: false,
      error: { code: 'BAD_INPUT', field: 'by', message: 'Pairing by position needs the same number of samples in each dataset: "Instrument 1" has 3, "Two tablets" has 2. Nothing was stored.' },
    });
    expect(await s.invoke('datasets:join', { datasetIds: [1], name: 'Alone', by: 'id' })).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', field: 'datasetIds' } });
    expect((await value(s, 'datasets:list', {})).map((d) => d.name)).toEqual(['Instrument 1', 'Instrument 2', 'Two tablets']);
  });
});
