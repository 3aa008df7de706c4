/**
 * WITec Project files: the two fixtures' graphs, Raman-shift axes, intensities and the map's stage
 * positions, held to scripts/golden/witec_axis.py (which walks the tag tree apart from the reader);
 * a damaged file is refused naming what is wrong.
 */
import { describe, expect, it } from 'vitest';
import { parseWitec } from '../../src-main/io/witec';
import { detectFormat } from '../../src-main/io';
import { formatFixture } from '../helpers/datasets';
import { userErrorOf as caught } from '../helpers/errors';

const graphsOf = (b: ReturnType<typeof parseWitec>) => {
  const counts = new Map<string, number>();
  for (const s of b.samples) counts.set(String(s.meta.graph), (counts.get(String(s.meta.graph)) ?? 0) + 1);
  return [...counts];
};

describe('parseWitec', () => {
  it('reads Si-data.WIP: a 5 × 5 map and a time series of 100 spectra on one Raman-shift axis', () => {
    const bytes = formatFixture('witec', 'Si-data.WIP');
    expect(detectFormat(bytes, 'Si-data.WIP')).toBe('witec');
    const b = parseWitec(bytes, 'Si-data.WIP');
    expect(b.format).toBe('witec');
    expect(graphsOf(b)).toEqual([
      ['Map_000_Spec.Data 1_F', 25],
      ['Time Series_000_Spec.Data 1', 100],
    ]);
    expect(b.yUnit).toBe('CCD cts');
    for (const axis of b.axes) {
      expect(axis.unit).toBe('cm-1');
      expect(axis.values.length).toBe(1024);
      expect(axis.values[0]).toBeCloseTo(87.73667226791076, 9);
      expect(axis.values[97]).toBeCloseTo(400.55899310927634, 9);
      expect(axis.values[137]).toBeCloseTo(525.7063581730072, 9);
      expect(axis.values[1023]).toBeCloseTo(2821.3062052448495, 9);
    }
    expect(Array.from(b.samples[0]!.channels[0]!.subarray(0, 3))).toEqual([994, 992, 993]);
    expect(Array.from(b.samples[24]!.channels[0]!.subarray(0, 3))).toEqual([997, 995, 991]);
    expect(Array.from(b.samples[25]!.channels[0]!.subarray(0, 3))).toEqual([995, 996, 992]);
    expect(Array.from(b.samples[124]!.channels[0]!.subarray(0, 3))).toEqual([996, 997, 992]);
    // The map's pixels at 1 µm steps from its stage origin (the stage's y scale is −1: y falls
    // from one image row to the next); the time series has no position.
    const map = b.samples.slice(0, 25);
    expect([map[0]!.mapX, map[0]!.mapY]).toEqual([144.5690010070801, 2.406999997794628]);
    expect([map[6]!.mapX! - map[0]!.mapX!, map[6]!.mapY! - map[0]!.mapY!]).toEqual([1, -1]);
    expect(b.samples[25]!.mapX).toBeUndefined();
    expect(b.warnings).toEqual(['The map "Map_000_Spec.Data 1_F" gives its 25 spectra stage positions; the project\'s other spectra have none, so the dataset is a map only without them.']);
  });

  it('reads LineScans.WIP: two line scans of 50 spectra at 785 nm, without map coordinates', () => {
    const b = parseWitec(formatFixture('witec', 'LineScans.WIP'), 'LineScans.WIP');
    expect(graphsOf(b)).toEqual([
      ['LineX_000_Spec.Data 1', 50],
      ['LineY_000_Spec.Data 1', 50],
    ]);
    expect(b.axes[0]!.values[0]).toBeCloseTo(107.18573550163092, 9);
    expect(b.axes[0]!.values[97]).toBeCloseTo(517.228246693081, 9);
    expect(b.axes[0]!.values[1023]).toBeCloseTo(3378.069881398811, 9);
    expect(Array.from(b.samples[0]!.channels[0]!.subarray(0, 3))).toEqual([7700, 7495, 7323]);
    expect(Array.from(b.samples[99]!.channels[0]!.subarray(0, 3))).toEqual([8231, 8045, 7801]);
    expect(b.samples.every((s) => s.mapX === undefined)).toBe(true);
    expect(b.samples[0]!.id).toBe('LineScans#1');
  });

  it('refuses a truncated file naming the tag that runs past its end', () => {
    const bytes = formatFixture('witec', 'Si-data.WIP').slice(0, 4000);
    const err = caught(() => parseWitec(bytes, 'cut.wip'));
    expect(err.code).toBe('BAD_INPUT');
    expect(err.message).toMatch(/^cut\.wip: tag "[^"]+" claims bytes \d+–\d+, outside its parent \(\d+–4000\)\.$/);
  });
});
