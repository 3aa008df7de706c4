import { describe, expect, it } from 'vitest';
import { csvField } from '../../src-main/common/csv';

describe('csvField', () => {
  it('leaves plain text as it is', () => {
    expect(csvField('sample 1')).toBe('sample 1');
    expect(csvField('')).toBe('');
    expect(csvField("it's;fine\t")).toBe("it's;fine\t");
  });

  it('quotes commas, quotes and line breaks, doubling inner quotes', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\r')).toBe('"cr\r"');
  });
});
