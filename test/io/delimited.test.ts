import { describe, expect, it } from 'vitest';
import {
  FieldReader,
  WHITESPACE_SEP,
  bomLength,
  numberProblem,
  parseNumberBytes,
  parseNumberText,
  sniffDialect,
} from '../../src-main/io/delimited';
import { mulberry32 } from '../../src-main/common/ml/random';

const enc = new TextEncoder();
const bytes = (s: string): Uint8Array => enc.encode(s);

/** Reads all records of `text` as text fields. */
function records(text: string): { line: number; fields: string[] }[] {
  const b = bytes(text);
  const r = new FieldReader(b, 't.csv', sniffDialect(b));
  const out: { line: number; fields: string[] }[] = [];
  for (let rec = r.readTextRecord(); rec; rec = r.readTextRecord()) out.push(rec);
  return out;
}

describe('number parser', () => {
  it('accepts the usual spellings', () => {
    expect(parseNumberText('1e-3')).toBe(0.001);
    expect(parseNumberText('-.5')).toBe(-0.5);
    expect(parseNumberText('+1.2E+04')).toBe(12000);
    expect(parseNumberText('0.123456')).toBe(0.123456);
    expect(parseNumberText('42')).toBe(42);
    expect(parseNumberText('5.')).toBe(5);
    expect(parseNumberText('  7.25 ')).toBe(7.25);
    expect(Object.is(parseNumberText('-0'), -0)).toBe(true);
    expect(parseNumberText('1,23', true)).toBe(1.23);
    expect(parseNumberText('-,5', true)).toBe(-0.5);
  });

  it('rejects anything that is not a number', () => {
    for (const s of ['', '.', '-', '+', 'e5', '1e', '1e+', '1.2.3', '1,23', '0x10', 'abc', '1 2', '--1', '1_000', 'NaN', 'Infinity']) {
      expect(parseNumberText(s), s).toBeNaN();
    }
    expect(parseNumberText('1.23', true)).toBeNaN();
  });

  it('returns Infinity on overflow so callers can report "not finite"', () => {
    expect(parseNumberText('1e400')).toBe(Infinity);
    expect(parseNumberText('-1e400')).toBe(-Infinity);
    expect(parseNumberText('1e-400')).toBe(0);
  });

  it('equals Number(str) on 200,000 random values, fixed and exponent notation', () => {
    const rand = mulberry32(12345);
    const b = new Uint8Array(64);
    for (let i = 0; i < 200_000; i++) {
      const mag = Math.pow(10, Math.floor(rand() * 40) - 20);
      const v = (rand() - 0.5) * mag;
      const kind = i % 5;
      const s =
        kind === 0
          ? v.toFixed(Math.floor(rand() * 10))
          : kind === 1
            ? v.toExponential(Math.floor(rand() * 17))
            : kind === 2
              ? String(v)
              : kind === 3
                ? v.toPrecision(1 + Math.floor(rand() * 21))
                : (rand() * 10).toFixed(6);
      for (let k = 0; k < s.length; k++) b[k] = s.charCodeAt(k);
      const got = parseNumberBytes(b, 0, s.length);
      if (!Object.is(got, Number(s))) expect(got, s).toBe(Number(s));
    }
  });

  it('float32 shortcut for 16–19 digit mantissas stores the same float32 as Number(str)', () => {
    const rand = mulberry32(777);
    const texts: string[] = [];
    for (let i = 0; i < 100_000; i++) {
      const v = (rand() - 0.5) * Math.pow(10, Math.floor(rand() * 12) - 6);
      texts.push(i % 2 ? String(v) : v.toPrecision(16 + (i % 4)));
    }
    // Decimal renderings of exact float32 rounding midpoints and their nearest neighbours.
    const f32buf = new Float32Array(2);
    const u32 = new Uint32Array(f32buf.buffer);
    for (let i = 0; i < 20_000; i++) {
      f32buf[0] = (rand() + 0.01) * Math.pow(10, Math.floor(rand() * 10) - 5);
      u32[1] = u32[0]! + 1;
      const mid = (f32buf[0]! + f32buf[1]!) / 2;
      texts.push(mid.toPrecision(17), mid.toPrecision(19), (mid * (1 + 2 ** -52)).toPrecision(17), (mid * (1 - 2 ** -52)).toPrecision(17));
    }
    const b = bytes(texts.join('\n'));
    const r = new FieldReader(b, 't.csv', { sep: 0x2c, decimalComma: false });
    for (const s of texts) {
      expect(r.startRecord()).toBe(true);
      const got = r.readNumber(true);
      if (Math.fround(got) !== Math.fround(Number(s))) expect(Math.fround(got), s).toBe(Math.fround(Number(s)));
    }
    const exact = new FieldReader(bytes('0.05037488974520657'), 't.csv', { sep: 0x2c, decimalComma: false });
    exact.startRecord();
    expect(exact.readNumber()).toBe(0.05037488974520657);
  });

  it('explains unusable values', () => {
    expect(numberProblem('1e400', Infinity)).toBe('value "1e400" is not a finite number');
    expect(numberProblem('NaN', NaN)).toBe('value "NaN" is not a finite number');
    expect(numberProblem('inf', NaN)).toBe('value "inf" is not a finite number');
    expect(numberProblem('abc', NaN)).toBe('value "abc" is not a number');
    expect(numberProblem('', NaN)).toBe('is empty; a number is expected');
    expect(numberProblem('1e39', 1e39)).toMatch(/32-bit/);
    expect(numberProblem('1', 1)).toBeNull();
  });
});

describe('dialect sniffing', () => {
  it('finds comma, semicolon, tab and whitespace separators', () => {
    expect(sniffDialect(bytes('a,b,c\n1,2,3\n'))).toEqual({ sep: 0x2c, decimalComma: false });
    expect(sniffDialect(bytes('a;b;c\n1;2;3\n'))).toEqual({ sep: 0x3b, decimalComma: false });
    expect(sniffDialect(bytes('a\tb\tc\n1\t2\t3\n'))).toEqual({ sep: 0x09, decimalComma: false });
    expect(sniffDialect(bytes('  1.0   2.0\n  3.0   4.0\n'))).toEqual({ sep: WHITESPACE_SEP, decimalComma: false });
  });

  it('detects a decimal comma only when the separator is not a comma', () => {
    expect(sniffDialect(bytes('id;4000;3998\na;1,23;4,56\nb;7,8;9,01\n'))).toEqual({ sep: 0x3b, decimalComma: true });
    expect(sniffDialect(bytes('1,5\t2,5\n3,5\t4,5\n'))).toEqual({ sep: 0x09, decimalComma: true });
    expect(sniffDialect(bytes('1,5,2,5\n3,5,4,5\n')).decimalComma).toBe(false);
  });

  it('ignores separators inside quotes', () => {
    expect(sniffDialect(bytes('"a;b",c\n"x;y;z",1\n"p;q",2\n')).sep).toBe(0x2c);
  });
});

describe('FieldReader', () => {
  it('strips a UTF-8 BOM', () => {
    const b = bytes('\uFEFFa,b\n1,2\n');
    expect(bomLength(b)).toBe(3);
    expect(records('\uFEFFa,b\n1,2\n')[0]!.fields).toEqual(['a', 'b']);
  });

  it('handles RFC-4180 quotes: separators, newlines and "" inside', () => {
    const recs = records('name,note\n"Smith, J.","said ""hi""\nthen left"\nplain,x\n');
    expect(recs.map((r) => r.fields)).toEqual([
      ['name', 'note'],
      ['Smith, J.', 'said "hi"\nthen left'],
      ['plain', 'x'],
    ]);
    expect(recs.map((r) => r.line)).toEqual([1, 2, 4]);
  });

  it('counts lines the same for LF, CRLF and CR and skips blank lines', () => {
    for (const nl of ['\n', '\r\n', '\r']) {
      const recs = records(['a,b', '1,2', '', '3,4', '', ''].join(nl));
      expect(recs.map((r) => r.line), JSON.stringify(nl)).toEqual([1, 2, 4]);
      expect(recs[2]!.fields).toEqual(['3', '4']);
    }
  });

  it('reads numbers without decoding and reports the text of bad fields', () => {
    const b = bytes('1.5, 2e3 ,"3",abc,,1e400\n');
    const r = new FieldReader(b, 't.csv', { sep: 0x2c, decimalComma: false });
    expect(r.startRecord()).toBe(true);
    expect(r.readNumber()).toBe(1.5);
    expect(r.readNumber()).toBe(2000);
    expect(r.readNumber()).toBe(3);
    expect(r.readNumber()).toBeNaN();
    expect(r.lastFieldText()).toBe('abc');
    expect(r.readNumber()).toBeNaN();
    expect(r.lastFieldText()).toBe('');
    expect(r.readNumber()).toBe(Infinity);
    expect(r.lastFieldText()).toBe('1e400');
    expect(r.atRecordEnd).toBe(true);
    expect(r.startRecord()).toBe(false);
  });

  it('rejects a number glued to text', () => {
    const r = new FieldReader(bytes('1.5x,2\n'), 't.csv', { sep: 0x2c, decimalComma: false });
    r.startRecord();
    expect(r.readNumber()).toBeNaN();
    expect(r.lastFieldText()).toBe('1.5x');
    expect(r.readNumber()).toBe(2);
  });

  it('splits whitespace tables on runs of spaces and tabs', () => {
    const r = new FieldReader(bytes('  1,0 \t 2   3,5\n'), 't.txt', { sep: WHITESPACE_SEP, decimalComma: true });
    r.startRecord();
    expect([r.readNumber(), r.readNumber(), r.readNumber()]).toEqual([1, 2, 3.5]);
    expect(r.atRecordEnd).toBe(true);
  });

  it('reports an unclosed quote with the line it was opened on', () => {
    expect(() => records('a,b\n1,"oops\n2,3\n')).toThrow(/t\.csv line 2: a quote opened here is never closed/);
  });
});
