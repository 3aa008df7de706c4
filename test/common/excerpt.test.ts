import { describe, expect, it } from 'vitest';
import { excerpt, quoteExcerpt, singleLine } from '../../src-main/common/format/excerpt';

describe('quoteExcerpt', () => {
  it('quotes short text as it is', () => {
    expect(quoteExcerpt('1650.5')).toBe('"1650.5"');
    expect(quoteExcerpt('µm café')).toBe('"µm café"');
    expect(quoteExcerpt('')).toBe('""');
    expect(quoteExcerpt('A01', { quote: "'" })).toBe("'A01'");
    expect(quoteExcerpt('37.5', { quote: '' })).toBe('37.5');
  });

  it('cuts at 60 characters and names the length of the whole with thin-space thousands', () => {
    const text = '1.2,3.4,5.6,'.repeat(200_000);
    expect(quoteExcerpt(text)).toBe(`"${'1.2,3.4,5.6,'.repeat(5)}…" (2\u2009400\u2009000 characters)`);
    expect(quoteExcerpt('x'.repeat(60))).toBe(`"${'x'.repeat(60)}"`);
    expect(quoteExcerpt('x'.repeat(61))).toBe(`"${'x'.repeat(60)}…" (61 characters)`);
    expect(quoteExcerpt('abcdef', { max: 3 })).toBe('"abc…" (6 characters)');
  });

  it('shows line breaks, tabs, controls, bidi overrides and separators as escapes', () => {
    expect(quoteExcerpt('3736\n12')).toBe('"3736\\n12"');
    expect(quoteExcerpt('a\r\nb\tc')).toBe('"a\\r\\nb\\tc"');
    expect(quoteExcerpt('\u0000\u001b[2J\u007f\u0085')).toBe('"\\x00\\x1b[2J\\x7f\\x85"');
    expect(quoteExcerpt('a\u2028b\u2029c\u202ed\ufeff')).toBe('"a\\u2028b\\u2029c\\u202ed\\ufeff"');
    expect(quoteExcerpt('\ud800')).toBe('"\\ud800"');
  });

  it('counts an escape as the characters it prints, and never cuts one in half', () => {
    expect(quoteExcerpt('ab\ncd', { max: 3 })).toBe('"ab…" (5 characters)');
    expect(quoteExcerpt('ab\ncd', { max: 4 })).toBe('"ab\\n…" (5 characters)');
  });

  it('with ascii, escapes every byte outside printable ASCII (JCAMP-DX is ASCII)', () => {
    expect(quoteExcerpt('K\u00ff', { ascii: true })).toBe('"K\\xff"');
    expect(quoteExcerpt('K\u00ff')).toBe('"Kÿ"');
    expect(quoteExcerpt('\u{1f600}', { ascii: true })).toBe('"\\u{1f600}"');
  });
});

describe('excerpt', () => {
  it('is the same text without quotes or length, for a field or an id', () => {
    expect(excerpt('class')).toBe('class');
    expect(excerpt('a\nb')).toBe('a\\nb');
    expect(excerpt('y'.repeat(3_000_000))).toBe(`${'y'.repeat(60)}…`);
  });
});

describe('singleLine', () => {
  it('joins the lines of a message with single spaces', () => {
    expect(singleLine('Option "-1" is ambiguous.\n  Did you forget to escape it?\r\nTo specify it, use --epochs=-1.')).toBe(
      'Option "-1" is ambiguous. Did you forget to escape it? To specify it, use --epochs=-1.',
    );
    expect(singleLine('a\u2028b\rc')).toBe('a b c');
    expect(singleLine('one line')).toBe('one line');
  });
});
