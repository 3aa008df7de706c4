/**
 * What the readers quote from a file in an error: a bad value can be a whole multi-megabyte line
 * (a table read with the wrong separator) and a JCAMP-DX record can span lines; the message
 * must stay one short line either way.
 */
import { describe, expect, it } from 'vitest';
import type { UserError } from '../../src-main/common/errors';
import { parseDelimited } from '../../src-main/io/csv';
import { parseJcamp } from '../../src-main/io/jcamp';
import { parseLabelTable } from '../../src-main/io/labels';
import { parseWdf } from '../../src-main/io/wdf';
import { parseXY } from '../../src-main/io/xy';
import { userErrorOf } from '../helpers/errors';
import { throughDisk } from '../helpers/tmp';

/** 3,000,000 characters: what one unsplit line of a large table looks like. */
const BIG = '1.25;'.repeat(600_000);
const BIG_SHOWN = `"${'1.25;'.repeat(12)}…" (3\u2009000\u2009000 characters)`;

/** Longest message these cases may give: the sentence around a 60-character excerpt. */
const MAX_MESSAGE = 300;

function refusal(fn: () => unknown): UserError {
  const err = userErrorOf(fn);
  expect(err.code).toBe('BAD_INPUT');
  expect(err.message).not.toMatch(/[\r\n\u2028\u2029]/);
  expect(err.message.length).toBeLessThanOrEqual(MAX_MESSAGE);
  return err;
}

const latin1 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));

describe('wide tables (csv.ts)', () => {
  it('a 3 MB cell in a spectral column', () => {
    const bytes = throughDisk('big.csv', `id,400,500\na,1,${BIG}\n`);
    const err = refusal(() => parseDelimited(bytes, 'big.csv'));
    expect(err.message).toBe(`big.csv line 2, column "500": value ${BIG_SHOWN} is not a number.`);
    expect(err.field).toBe('500');
  });

  it('a 3 MB header with no separator the reader knows', () => {
    const header = `id|${'4000.0|'.repeat(428_571)}`;
    const bytes = throughDisk('pipes.csv', `${header}\nx\n`);
    const err = refusal(() => parseDelimited(bytes, 'pipes.csv'));
    expect(err.message).toBe(
      `pipes.csv: no spectral columns found. A wide table needs column headers that are axis values (e.g. 4000, 3998, … or "1650 cm-1"); this header has "id|${'4000.0|'.repeat(8)}4…" (3\u2009000\u2009000 characters).`,
    );
  });

  it('a 3 MB split value and a repeated 3 MB sample id', () => {
    const split = throughDisk('split.csv', `id,set,400,500\na,${'x'.repeat(3_000_000)},1,2\n`);
    expect(refusal(() => parseDelimited(split, 'split.csv', { splitColumn: 'set' })).message).toBe(
      `split.csv line 2, column "set": "${'x'.repeat(60)}…" (3\u2009000\u2009000 characters) is not a split. Use train (or training, cal, calibration) or test (or testing, val, validation, validate, pred, prediction).`,
    );
    const id = 'S'.repeat(3_000_000);
    const dup = throughDisk('dup.csv', `id,400,500\n${id},1,2\n${id},3,4\n`);
    expect(refusal(() => parseDelimited(dup, 'dup.csv')).message).toBe(
      `dup.csv: sample id "${'S'.repeat(60)}…" (3\u2009000\u2009000 characters) appears on line 2 and again on line 3.`,
    );
  });

  it('a column name with a line break in it (a quoted header cell)', () => {
    const bytes = throughDisk('nl.csv', '"note\nsecond line","note\nsecond line",400,500\nb,c,1,2\n');
    expect(refusal(() => parseDelimited(bytes, 'nl.csv')).message).toBe(
      'nl.csv: columns 1 and 2 are both named "note\\nsecond line".',
    );
  });
});

describe('x,y files (xy.ts)', () => {
  it('a 3 MB line that is not two numbers', () => {
    const bytes = throughDisk('big.txt', `400 1\n500 2\n${BIG}\n`);
    expect(refusal(() => parseXY(bytes, 'big.txt')).message).toBe(
      `big.txt line 3 is not two numbers: ${BIG_SHOWN}; an x,y file has exactly two columns (x, y) on every data line.`,
    );
  });

  it('a 300 kB number that overflows', () => {
    const bytes = throughDisk('inf.txt', `400 1\n500 1${'0'.repeat(299_999)}\n`);
    expect(refusal(() => parseXY(bytes, 'inf.txt')).message).toBe(
      `inf.txt line 2, column y: value "1${'0'.repeat(59)}…" (300\u2009000 characters) is not a finite number.`,
    );
  });
});

describe('label tables (labels.ts)', () => {
  it('a repeated 3 MB key', () => {
    const key = 'K'.repeat(3_000_000);
    const bytes = throughDisk('labels.csv', `sample,class\n${key},a\n${key},b\n`);
    expect(refusal(() => parseLabelTable(bytes, 'labels.csv')).message).toBe(
      `labels.csv: key "${'K'.repeat(60)}…" (3\u2009000\u2009000 characters) appears on line 2 and again on line 3.`,
    );
  });
});

describe('JCAMP-DX (jcamp/)', () => {
  const header = (records: string): string =>
    `##TITLE= t\n##JCAMP-DX= 4.24\n##DATA TYPE= UV/VIS SPECTRUM\n##XUNITS= NANOMETERS\n##YUNITS= ABSORBANCE\n${records}`;
  const table = '##XYDATA= (X++(Y..Y))\n100 1 2 3\n##END=\n';

  it('a numeric record with a continuation line: was a message on two lines', () => {
    const text = header(`##XFACTOR= 1\n##YFACTOR= 1\n##FIRSTX= 100\n3736\n##LASTX= 102\n##NPOINTS= 3\n${table}`);
    const err = refusal(() => parseJcamp(latin1(text), 'wrapped.jdx'));
    expect(err.message).toBe('wrapped.jdx, line 8: ##FIRSTX= "100\\n3736" is not a number.');
    expect(err.line).toBe(8);
  });

  it('NPOINTS followed by a stray text line: was a message on two lines', () => {
    const text = header(`##FIRSTX= 100\n##LASTX= 102\n##NPOINTS= 3\n(three points)\n${table}`);
    expect(refusal(() => parseJcamp(latin1(text), 'stray.jdx')).message).toBe(
      'stray.jdx, line 8: ##NPOINTS= "3\\n(three points)" is not a number.',
    );
  });

  it('a 3 MB bad token in a data line', () => {
    const text = header(`##FIRSTX= 100\n##LASTX= 102\n##NPOINTS= 3\n##XYDATA= (X++(Y..Y))\n100 ${'1.2.'.repeat(750_000)}\n##END=\n`);
    expect(refusal(() => parseJcamp(latin1(text), 'token.jdx')).message).toBe(
      `token.jdx, line 10: "${'1.2.'.repeat(15)}…" (3\u2009000\u2009000 characters) at column 5 is not a valid number.`,
    );
  });

  it('a 3 MB variable list and a 3 MB first label', () => {
    const list = header(`##FIRSTX= 100\n##LASTX= 102\n##NPOINTS= 3\n##XYDATA= (${'R'.repeat(3_000_000)})\n100 1 2 3\n##END=\n`);
    expect(refusal(() => parseJcamp(latin1(list), 'list.jdx')).message).toBe(
      `list.jdx, line 9: ##XYDATA=(${'R'.repeat(59)}… (3\u2009000\u2009002 characters): this variable list is not supported.`,
    );
    const first = `##${'A'.repeat(3_000_000)}= x\n##TITLE= t\n`;
    expect(refusal(() => parseJcamp(latin1(first), 'first.jdx')).message).toBe(
      `first.jdx is not a JCAMP-DX file: the first record is ##${'A'.repeat(60)}… (3\u2009000\u2009000 characters)=, expected ##TITLE=.`,
    );
  });
});

describe('Renishaw WDF (wdf.ts)', () => {
  it('a magic number with a line break in it', () => {
    const bytes = new Uint8Array(512);
    bytes.set([0x57, 0x0a, 0x44, 0x46], 0);
    expect(refusal(() => parseWdf(bytes, 'nl.wdf')).message).toBe('nl.wdf: not a Renishaw WDF file: it starts with "W\\nDF" instead of "WDF1".');
  });
});
