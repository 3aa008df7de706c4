import { describe, expect, it } from 'vitest';
import { csvField } from '../../src-main/common/csv';

describe('csvField', () => {
  it('leaves plain text as it is', () => {
    expect(['sample 1', '', "it's;fine\t"].map(csvField)).toEqual(['sample 1', '', "it's;fine\t"]);
  });

  it('quotes commas, quotes and line breaks, doubling inner quotes', () => {
    expect(['a,b', 'say "hi"', 'two\nlines', 'cr\r'].map(csvField)).toEqual(['"a,b"', '"say ""hi"""', '"two\nlines"', '"cr\r"']);
  });
});
