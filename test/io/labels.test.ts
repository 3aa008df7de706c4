import { describe, expect, it } from 'vitest';
import type { MetaValue } from '../../src-main/common/domain/spectra';
import { parseDelimited } from '../../src-main/io/csv';
import { type LabelTarget, applyLabels, parseLabelTable } from '../../src-main/io/labels';
import { readFixture } from '../helpers/datasets';
import { userErrorOf as errorOf } from '../helpers/errors';

const enc = new TextEncoder();

function targets(files: string[]): LabelTarget[] {
  return files.map((f) => ({ id: f.replace(/\.[^.]+$/, ''), fileName: f, meta: {} as Record<string, MetaValue> }));
}

describe('parseLabelTable', () => {
  it('finds a named key column and types columns', () => {
    const t = parseLabelTable(enc.encode('class;Sample;conc\nA;s1;1,5\nB;s2;\n'), 'labels.csv');
    expect(t.keyColumn).toBe('Sample');
    expect(t.keyColumnNamed).toBe(true);
    expect(t.columns).toEqual(['class', 'Sample', 'conc']);
    expect(t.rows.map((r) => [r.key, r.line])).toEqual([['s1', 2], ['s2', 3]]);
    expect(t.rows[0]!.values).toEqual({ class: 'A', Sample: 's1', conc: 1.5 });
    expect(t.rows[1]!.values.conc).toBeNull();
  });

  it('falls back to the first column', () => {
    const t = parseLabelTable(enc.encode('name_of_thing,fat\nx,1\n'), 'l.csv');
    expect(t.keyColumn).toBe('name_of_thing');
    expect(t.keyColumnNamed).toBe(false);
  });

  it('rejects duplicate keys naming both lines, ragged rows, empty files', () => {
    expect(errorOf(() => parseLabelTable(enc.encode('file,c\na.txt,1\nb.txt,2\nA.TXT,3\n'), 'labels.csv')).message).toBe(
      'labels.csv: key "A.TXT" appears on line 2 and again on line 4.',
    );
    expect(errorOf(() => parseLabelTable(enc.encode('file,c\na.txt\n'), 'labels.csv')).message).toMatch(/Line 2 of labels\.csv has 1 values; the header has 2/);
    expect(errorOf(() => parseLabelTable(enc.encode(''), 'labels.csv')).message).toBe('labels.csv is empty.');
    expect(errorOf(() => parseLabelTable(enc.encode('file,c\n'), 'labels.csv')).message).toMatch(/no data rows/);
  });
});

describe('applyLabels', () => {
  it('matches file names with or without extension, case-insensitively, and sample ids', () => {
    const t = parseLabelTable(enc.encode('file,class,conc\nSAMPLE_001.TXT,a,1\nsample_002,b,2\nmix:3,c,3\nghost,d,4\n'), 'labels.csv');
    const samples = targets(['sample_001.txt', 'dir/sample_002.txt', 'other.txt']);
    samples.push({ id: 'mix:3', fileName: 'mix.csv', meta: { class: 'old' } });
    const { applied, warnings } = applyLabels(samples, t, 'labels.csv');
    expect(applied).toBe(3);
    expect(samples.map((s) => s.meta)).toEqual([{ class: 'a', conc: 1 }, { class: 'b', conc: 2 }, {}, { class: 'c', conc: 3 }]);
    expect(warnings.join('\n')).toMatch(/1 of its 4 keys match no imported file or sample id: 'ghost'/);
    expect(warnings.join('\n')).toMatch(/1 of 4 samples have no row/);
    expect(warnings.join('\n')).toMatch(/column "class" replaces/);
  });

  it('a table that matches nothing is an error naming the label file', () => {
    const keys = Array.from({ length: 12 }, (_, i) => `A${String(i + 1).padStart(2, '0')}`);
    const t = parseLabelTable(enc.encode(`sample,class\n${keys.map((k) => `${k},x`).join('\n')}\n`), 'labels.csv');
    const e = errorOf(() => applyLabels(targets(['sample_001.txt', 'sample_002.txt']), t, 'labels.csv'));
    expect(e.message).toBe(
      "labels.csv: none of its 12 keys matches an imported file or sample id; keys look like 'A01', 'A02', …, files like 'sample_001.txt', 'sample_002.txt'.",
    );
    expect(e.file).toBe('labels.csv');
  });

  it('chemotools train_hplc.csv (only a glucose column) applies in row order to train_spectra.csv', () => {
    const batch = parseDelimited(readFixture('chemotools', 'train_spectra.csv'), 'train_spectra.csv');
    const table = parseLabelTable(readFixture('chemotools', 'train_hplc.csv'), 'train_hplc.csv');
    expect(table.columns).toEqual(['glucose']);
    expect(table.rows).toHaveLength(21);
    const samples = batch.samples.map((s) => ({ id: s.id, fileName: 'train_spectra.csv', meta: s.meta }));
    const { applied, warnings } = applyLabels(samples, table, 'train_hplc.csv');
    expect(applied).toBe(21);
    expect(warnings.join(' ')).toMatch(/applied in import order/);
    expect(batch.samples[0]!.meta.glucose).toBe(1.664707074);
    expect(batch.samples[1]!.meta.glucose).toBe(0);
  });

  it('chemotools coffee_labels.csv gives 20 spectra per origin', () => {
    const batch = parseDelimited(readFixture('chemotools', 'coffee_spectra.csv'), 'coffee_spectra.csv');
    const table = parseLabelTable(readFixture('chemotools', 'coffee_labels.csv'), 'coffee_labels.csv');
    const samples = batch.samples.map((s) => ({ id: s.id, fileName: 'coffee_spectra.csv', meta: s.meta }));
    expect(applyLabels(samples, table, 'coffee_labels.csv').applied).toBe(60);
    const counts = new Map<MetaValue, number>();
    for (const s of samples) counts.set(s.meta.labels!, (counts.get(s.meta.labels!) ?? 0) + 1);
    expect(counts).toEqual(new Map([['Ethiopia', 20], ['Brasil', 20], ['Vietnam', 20]]));
  });
});

describe('repeated keys in a default (unnamed) key column', () => {
  it('are an error only when a sample matches them', () => {
    const t = parseLabelTable(enc.encode('code,c\na,1\nb,2\nA,3\n'), 'labels.csv');
    expect(t.rows).toHaveLength(3);
    expect(errorOf(() => applyLabels(targets(['a.txt']), t, 'labels.csv')).message).toBe(
      'labels.csv: key "a" appears on line 2 and again on line 4.',
    );
    const samples = targets(['b.txt']);
    expect(applyLabels(samples, t, 'labels.csv').applied).toBe(1);
    expect(samples[0]!.meta).toEqual({ c: 2 });
  });
});
