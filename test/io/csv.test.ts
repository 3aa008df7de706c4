import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ImportOptions, ParsedBatch } from '../../src-main/common/domain/spectra';
import { guessAxisUnit, parseDelimited } from '../../src-main/io/csv';
import { fixture } from '../helpers/datasets';
import { userErrorOf as errorOf } from '../helpers/errors';
import { throughDisk } from '../helpers/tmp';

const f32 = Math.fround;

function load(...parts: string[]): { bytes: Uint8Array; name: string } {
  const p = fixture(...parts);
  return { bytes: new Uint8Array(readFileSync(p)), name: path.basename(p) };
}

function parseFixture(opts: ImportOptions, ...parts: string[]): ParsedBatch {
  const { bytes, name } = load(...parts);
  return parseDelimited(bytes, name, opts);
}

/** Writes `content` to a temp file and parses it back from disk, as the app does. */
function parseText(name: string, content: string | Uint8Array, opts: ImportOptions = {}): ParsedBatch {
  return parseDelimited(throughDisk(name, content), name, opts);
}

function count<T>(values: T[]): Map<T, number> {
  const m = new Map<T, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return m;
}

describe('real files', () => {
  it('UCR Strawberry TRAIN: headerless TSV, label in column 0', () => {
    const b = parseFixture({}, 'ucr_spectro', 'Strawberry', 'Strawberry_TRAIN.tsv');
    expect(b.format).toBe('table-headerless');
    expect(b.samples).toHaveLength(613);
    const axis = b.axes[0]!;
    expect(axis.values).toHaveLength(235);
    expect([axis.values[0], axis.values[234]]).toEqual([1, 235]);
    expect(axis).toMatchObject({ unit: 'index', unitFromFile: false });
    expect(b.warnings.join(' ')).toMatch(/no axis values/);
    expect(b.columnKinds).toEqual({ class: 'class' });
    const s0 = b.samples[0]!;
    expect(s0.id).toBe('Strawberry_TRAIN:1');
    expect(s0.meta).toEqual({ class: '2' });
    expect(s0.sourceLine).toBe(1);
    expect(s0.channels[0]).toHaveLength(235);
    expect(s0.channels[0]![0]).toBe(f32(-0.55383438));
    expect(s0.channels[0]![234]).toBe(f32(-1.6226229));
    expect(b.samples[612]!.channels[0]![0]).toBe(f32(-0.41937146));
    expect(b.samples[612]!.id).toBe('Strawberry_TRAIN:613');
    expect(count(b.samples.map((s) => s.meta.class))).toEqual(new Map([['2', 394], ['1', 219]]));
  });

  it('UCR Strawberry TEST: 370 × 235, 2 classes, split tag applied', () => {
    const b = parseFixture({ splitTag: 'test' }, 'ucr_spectro', 'Strawberry', 'Strawberry_TEST.tsv');
    expect(b.samples).toHaveLength(370);
    expect(b.axes[0]!.values).toHaveLength(235);
    expect(count(b.samples.map((s) => s.meta.class))).toEqual(new Map([['1', 132], ['2', 238]]));
    expect(b.samples.every((s) => s.split === 'test')).toBe(true);
  });

  it('UCR Coffee TRAIN/TEST: 28 × 286 each, labels 0/1', () => {
    for (const part of ['TRAIN', 'TEST']) {
      const b = parseFixture({}, 'ucr_spectro', 'Coffee', `Coffee_${part}.tsv`);
      expect(b.samples).toHaveLength(28);
      expect(b.axes[0]!.values).toHaveLength(286);
      expect(new Set(b.samples.map((s) => s.meta.class))).toEqual(new Set(['0', '1']));
    }
    const train = parseFixture({}, 'ucr_spectro', 'Coffee', 'Coffee_TRAIN.tsv');
    expect(train.samples[0]!.channels[0]![0]).toBe(f32(-0.51841899));
    expect(train.samples[0]!.channels[0]![285]).toBe(f32(-1.9360067));
  });

  it('labelColumn null keeps every column as a point', () => {
    const b = parseFixture({ labelColumn: null }, 'ucr_spectro', 'Coffee', 'Coffee_TRAIN.tsv');
    expect(b.axes[0]!.values).toHaveLength(287);
    expect(b.samples[0]!.meta).toEqual({});
    expect(b.samples[0]!.channels[0]![0]).toBe(0);
  });

  it('chemotools train_spectra: numeric header = wavenumbers 428–1833 (unit guessed cm-1)', () => {
    const b = parseFixture({}, 'chemotools', 'train_spectra.csv');
    expect(b.format).toBe('csv-wide');
    expect(b.samples).toHaveLength(21);
    const axis = b.axes[0]!;
    expect(axis.values).toHaveLength(1047);
    expect([axis.values[0], axis.values[1], axis.values[2], axis.values[1046]]).toEqual([428, 429, 431, 1833]);
    expect(axis).toMatchObject({ unit: 'cm-1', unitFromFile: false });
    expect(b.warnings.join(' ')).toMatch(/guessed cm⁻¹.*--axis-unit/);
    expect(b.samples[0]!.id).toBe('train_spectra:1');
    expect(b.samples[0]!.channels[0]![0]).toBe(f32(0.493506));
    expect(b.samples[0]!.channels[0]![1046]).toBe(0);
    expect(b.samples[0]!.meta).toEqual({});
  });

  it('chemotools coffee_spectra: header 0..1840 → point index', () => {
    const b = parseFixture({}, 'chemotools', 'coffee_spectra.csv');
    expect(b.samples).toHaveLength(60);
    const axis = b.axes[0]!;
    expect(axis.values).toHaveLength(1841);
    expect([axis.values[0], axis.values[1840]]).toEqual([0, 1840]);
    expect(axis.unit).toBe('index');
    expect(b.samples[0]!.channels[0]![0]).toBe(f32(0.05037488974520657));
    expect(b.samples[59]!.channels[0]![1840]).toBe(f32(0.03991959980004821));
  });

  it('IDRC 2002 Pharma_Instrument1: split column Train/Validate/Test, 650 channels 600–1898 nm', () => {
    const b = parseFixture({ splitColumn: 'SampleType' }, 'idrc2002_tablets', 'Pharma_Instrument1.csv');
    expect(b.samples).toHaveLength(655);
    const axis = b.axes[0]!;
    expect(axis.values).toHaveLength(650);
    expect([axis.values[0], axis.values[649]]).toEqual([600, 1898]);
    expect(axis).toMatchObject({ unit: 'nm', unitFromFile: false });
    // "Validate" maps to test: the app has only train/test.
    expect(count(b.samples.map((s) => s.split))).toEqual(new Map([['train', 155], ['test', 500]]));
    expect(b.samples[155]!.split).toBe('test');
    const s0 = b.samples[0]!;
    expect(Object.keys(s0.meta)).toEqual(['weight', 'hardness', 'assay']);
    expect(s0.meta).toEqual({ weight: 378.0199890136719, hardness: 20.899999618530273, assay: Math.fround(200.1) });
    expect(s0.channels[0]![0]).toBe(f32(3.222009));
    expect(b.samples[654]!.meta.assay).toBe(196.5);
    expect(b.samples[654]!.channels[0]![649]).toBe(f32(4.130782));
  });

  it('IDRC 2002 without splitColumn keeps SampleType as metadata', () => {
    const b = parseFixture({}, 'idrc2002_tablets', 'Pharma_Instrument1.csv');
    expect(b.samples[0]!.meta.SampleType).toBe('Train');
    expect(b.samples[0]!.split).toBeNull();
  });

  it('tecator: absorbance_1..100 is the spectrum (point index), the rest metadata', () => {
    const b = parseFixture({}, 'tecator', 'tecator.csv');
    expect(b.samples).toHaveLength(240);
    const axis = b.axes[0]!;
    expect(axis.values).toHaveLength(100);
    expect([axis.values[0], axis.values[99]]).toEqual([1, 100]);
    expect(axis).toMatchObject({ unit: 'index', unitFromFile: false });
    expect(b.warnings.join(' ')).toMatch(/"absorbance_1"…"absorbance_100"/);
    const s0 = b.samples[0]!;
    expect(Object.keys(s0.meta)).toHaveLength(25);
    expect(s0.meta.principal_component_1).toBe(-0.4303);
    expect(s0.meta.principal_component_22).toBe(-0.419313);
    expect([s0.meta.moisture, s0.meta.fat, s0.meta.protein]).toEqual([60.5, 22.5, 16.7]);
    expect(s0.channels[0]![0]).toBe(f32(2.61776));
    expect(s0.channels[0]![99]).toBe(f32(2.8192));
  });

  it('Orange collagen: 3-row header, class column, descending axis', () => {
    const b = parseFixture({}, 'orange_collagen', 'collagen.csv');
    expect(b.samples).toHaveLength(731);
    const axis = b.axes[0]!;
    expect(axis.values).toHaveLength(234);
    expect(axis.values[0]).toBe(1801.264);
    expect(axis.values[233]).toBe(902.5606);
    expect(axis.unit).toBe('cm-1');
    expect(b.columnKinds).toEqual({ type: 'class' });
    expect(count(b.samples.map((s) => s.meta.type))).toEqual(
      new Map([['collagen', 195], ['glycogen', 212], ['lipids', 214], ['DNA', 110]]),
    );
    expect(b.samples[0]!.sourceLine).toBe(4);
    expect(b.samples[0]!.channels[0]![0]).toBe(f32(0.117));
    expect(b.samples[730]!.channels[0]![0]).toBe(f32(0.148));
    expect(b.samples[730]!.channels[0]![233]).toBe(f32(0.19));
  });

  it('--axis-unit overrides the guess without a warning', () => {
    const b = parseFixture({ axisUnit: 'nm' }, 'chemotools', 'train_spectra.csv');
    expect(b.axes[0]!.unit).toBe('nm');
    expect(b.warnings).toEqual([]);
  });
});

describe('hand-written tables', () => {
  it('";" separator with decimal comma, id column, numeric and text metadata', () => {
    const b = parseText('semi.csv', 'sample;conc;origin;1000;1002;1004\nA;1,5;x;0,1;0,2;-1,5e-2\nB;;y;1;2;3\n');
    expect(b.samples.map((s) => s.id)).toEqual(['A', 'B']);
    expect(b.samples[0]!.meta).toEqual({ conc: 1.5, origin: 'x' });
    expect(b.samples[1]!.meta).toEqual({ conc: null, origin: 'y' });
    expect(Array.from(b.samples[0]!.channels[0]!)).toEqual([f32(0.1), f32(0.2), f32(-0.015)]);
    expect(Array.from(b.axes[0]!.values)).toEqual([1000, 1002, 1004]);
  });

  it('quoted fields with separators and newlines inside', () => {
    const b = parseText('quoted.csv', 'name,note,"400","500","600"\n"a,1","two\nlines",1,2,3\n"b ""q""",plain,"4",5,6\n');
    expect(b.samples.map((s) => s.id)).toEqual(['a,1', 'b "q"']);
    expect(b.samples[0]!.meta.note).toBe('two\nlines');
    expect(b.samples[1]!.sourceLine).toBe(4);
    expect(Array.from(b.samples[1]!.channels[0]!)).toEqual([4, 5, 6]);
  });

  it('descending axis with units in the header is taken as stated', () => {
    const b = parseText('desc.csv', 'id,4000 cm-1,3000 cm-1,2000 cm-1\nx,1,2,3\n');
    expect(Array.from(b.axes[0]!.values)).toEqual([4000, 3000, 2000]);
    expect(b.axes[0]!.unit).toBe('cm-1');
    expect(b.axes[0]!.unitFromFile).toBe(true);
    expect(b.warnings).toEqual([]);
  });

  it('header row name states the unit', () => {
    const b = parseText('wl.csv', 'Wavelength (nm),500,510,520\ns1,1,2,3\n');
    expect(b.axes[0]!.unit).toBe('nm');
    expect(b.axes[0]!.unitFromFile).toBe(true);
  });

  it('CRLF, BOM, blank trailing lines and a tab separator', () => {
    const text = '\uFEFFid\t900\t950\r\na\t1\t2\r\n\r\nb\t3\t4\r\n\r\n\r\n';
    const b = parseText('crlf.tsv', text);
    expect(b.samples.map((s) => [s.id, s.sourceLine])).toEqual([['a', 2], ['b', 4]]);
    expect(Array.from(b.samples[1]!.channels[0]!)).toEqual([3, 4]);
  });

  it('whitespace-aligned tables, with and without a header', () => {
    const b = parseText('ws.txt', '  id    400.0   500.0\n  a     0.5     1e-3\n  b    -.5     +1.2E+04\n');
    expect(b.samples.map((s) => s.id)).toEqual(['a', 'b']);
    expect(Array.from(b.samples[1]!.channels[0]!)).toEqual([-0.5, 12000]);
    const h = parseText('ws2.txt', '1  0.5  0.7  0.2\n2  0.1  0.3  0.2\n');
    expect(h.format).toBe('table-headerless');
    expect(h.samples.map((s) => s.meta.class)).toEqual(['1', '2']);
    expect(Array.from(h.samples[0]!.channels[0]!)).toEqual([0.5, 0.7, 0.2].map(f32));
  });

  it('a trailing separator on every line is ignored', () => {
    const b = parseText('trail.csv', 'id,400,500,\na,1,2,\nb,3,4,\n');
    expect(Array.from(b.samples[1]!.channels[0]!)).toEqual([3, 4]);
    expect(b.samples[0]!.meta).toEqual({});
  });

  it('an axis that is not strictly monotonic is rejected naming the column', () => {
    expect(errorOf(() => parseText('ax.csv', 'id,400,500,500\na,1,2,3\n')).message).toBe(
      'ax.csv: the axis in the header is not strictly increasing: column "500" follows "500".',
    );
  });

  it('ids default to stem:row', () => {
    const b = parseText('mix.csv', 'class,400,500\nA,1,2\nB,3,4\n');
    expect(b.samples.map((s) => s.id)).toEqual(['mix:1', 'mix:2']);
    expect(b.samples.map((s) => s.meta.class)).toEqual(['A', 'B']);
  });

  it('non-finite values name file, line and column', () => {
    const head = 'id,1651,1650.5\n';
    expect(errorOf(() => parseText('mixtures.csv', `${head}a,1,2\nb,3,1e400\n`)).message).toBe(
      'mixtures.csv line 3, column "1650.5": value "1e400" is not a finite number.',
    );
    const nan = errorOf(() => parseText('mixtures.csv', `${head}a,NaN,2\n`));
    expect(nan.message).toBe('mixtures.csv line 2, column "1651": value "NaN" is not a finite number.');
    expect([nan.code, nan.file, nan.line, nan.field]).toEqual(['BAD_INPUT', 'mixtures.csv', 2, '1651']);
    expect(errorOf(() => parseText('mixtures.csv', `${head}a,1,-inf\n`)).message).toMatch(/line 2, column "1650.5": value "-inf" is not a finite number/);
    expect(errorOf(() => parseText('mixtures.csv', `${head}a,1,abc\n`)).message).toMatch(/line 2, column "1650.5": value "abc" is not a number/);
    expect(errorOf(() => parseText('mixtures.csv', `${head}a,,2\n`)).message).toMatch(/line 2, column "1651": is empty/);
    expect(errorOf(() => parseText('mixtures.csv', `${head}a,1e39,2\n`)).message).toMatch(/32-bit/);
  });

  it('ragged rows name file, line and both counts', () => {
    const header = ['id', ...Array.from({ length: 1024 }, (_, i) => String(4000 - i))].join(',');
    const good = ['a', ...Array.from({ length: 1024 }, () => '0.5')].join(',');
    const short = ['b', ...Array.from({ length: 1023 }, () => '0.5')].join(',');
    const e = errorOf(() => parseText('mixtures.csv', `${header}\n${good}\n${short}\n`));
    expect(e.message).toBe('Line 3 of mixtures.csv has 1024 values; the header has 1025 columns (1 metadata + 1024 wavenumbers).');
    expect(e.line).toBe(3);
    const onlyAxis = 'x,' + Array.from({ length: 1024 }, (_, i) => String(4000 - i)).join(',');
    const e2 = errorOf(() => parseText('m2.csv', `${onlyAxis.slice(2)}\n${good.slice(2)}\n${good.slice(2)},1\n`));
    expect(e2.message).toBe('Line 3 of m2.csv has 1025 values; the header has 1024 wavenumbers.');
    const e3 = errorOf(() => parseText('h.tsv', '1\t0.5\t0.1\n2\t0.4\n'));
    expect(e3.message).toBe('Line 2 of h.tsv has 2 values; the first row has 3 values.');
  });

  it('duplicate sample ids name both lines', () => {
    const e = errorOf(() => parseText('dup.csv', 'id,400,500\na,1,2\nb,1,2\na,3,4\n'));
    expect(e.message).toBe('dup.csv: sample id "a" appears on line 2 and again on line 4.');
  });

  it('split column: spellings map to train/test, anything else is an error naming line and value', () => {
    const b = parseText(
      'split.csv',
      'set,400,500\nTrain,1,2\ncalibration,1,2\nVAL,1,2\nprediction,1,2\ntesting,1,2\n',
      { splitColumn: 'set' },
    );
    expect(b.samples.map((s) => s.split)).toEqual(['train', 'train', 'test', 'test', 'test']);
    expect(b.samples[0]!.meta).toEqual({});
    const e = errorOf(() => parseText('split.csv', 'set,400,500\ntrain,1,2\nholdout,1,2\n', { splitColumn: 'set' }));
    expect(e.message).toMatch(/^split\.csv line 3, column "set": "holdout" is not a split/);
    expect(e.line).toBe(3);
    expect(errorOf(() => parseText('split.csv', 'set,400,500\ntrain,1,2\n', { splitColumn: 'fold' })).message).toMatch(
      /has no column "fold".*"set"/,
    );
  });

  it('a metadata column inside the spectrum is rejected', () => {
    expect(errorOf(() => parseText('gap.csv', '400,500,note,600\n1,2,x,3\n')).message).toMatch(
      /column "note" sits between the spectral columns "400" and "600"/,
    );
  });

  it('a header without any axis column is rejected', () => {
    expect(errorOf(() => parseText('noaxis.csv', 'a,b,c\nx,y,z\n')).message).toMatch(/no spectral columns found/);
  });

  it('empty, header-only and binary files are clear errors', () => {
    expect(errorOf(() => parseText('empty.csv', '')).message).toBe('empty.csv is empty.');
    expect(errorOf(() => parseText('blank.csv', '\n \r\n')).message).toBe('blank.csv is empty.');
    expect(errorOf(() => parseText('head.csv', 'id,400,500\n')).message).toBe('head.csv has a header row but no data rows.');
    const bin = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x01, 0x02]);
    const e = errorOf(() => parseText('data.csv', bin));
    expect(e.code).toBe('BAD_INPUT');
    expect(e.message).toMatch(/data\.csv is not a text file/);
  });

  it('reports progress and honours cancellation', () => {
    const header = Array.from({ length: 200 }, (_, i) => String(1000 + i)).join(',');
    const row = Array.from({ length: 200 }, () => '0.123456').join(',');
    const text = `${header}\n${Array.from({ length: 2000 }, () => row).join('\n')}\n`;
    const seen: number[] = [];
    const b = parseText('big.csv', text, { onProgress: (f) => seen.push(f) });
    expect(b.samples).toHaveLength(2000);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen[seen.length - 1]).toBe(1);
    const ctl = new AbortController();
    const e = errorOf(() =>
      parseText('big.csv', text, {
        signal: ctl.signal,
        onProgress: () => ctl.abort(),
      }),
    );
    expect(e.code).toBe('CANCELLED');
  });
});

describe('axis unit guess', () => {
  it('follows the rules of thumb', () => {
    const range = (a: number, b: number, step: number): Float64Array => {
      const out: number[] = [];
      for (let v = a; step > 0 ? v <= b : v >= b; v += step) out.push(v);
      return Float64Array.from(out);
    };
    expect(guessAxisUnit(range(600, 1898, 2)).unit).toBe('nm');
    expect(guessAxisUnit(range(4000, 400, -2)).unit).toBe('cm-1');
    expect(guessAxisUnit(range(4000, 12500, 4)).unit).toBe('cm-1');
    expect(guessAxisUnit(range(1801.264, 902, -3.857)).unit).toBe('cm-1');
    expect(guessAxisUnit(range(2.5, 25, 0.5)).unit).toBe('um');
    expect(guessAxisUnit(range(1, 100, 1)).unit).toBe('index');
    expect(guessAxisUnit(range(-50, 50, 1)).unit).toBe('other');
  });
});
