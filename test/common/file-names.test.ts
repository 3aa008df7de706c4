import { describe, expect, it } from 'vitest';
import { baseName, fileStem } from '../../src-main/common/domain/file-names';

describe('file names', () => {
  it('takes the last segment of Unix and Windows paths', () => {
    expect(baseName('/data/run 1/6x6.wdf')).toBe('6x6.wdf');
    expect(baseName('C:\\data\\nir.spc')).toBe('nir.spc');
    expect(baseName('plain.csv')).toBe('plain.csv');
    expect(baseName('dir/')).toBe('');
  });

  it('drops only the last extension, and not a leading dot', () => {
    expect(fileStem('/data/run 1/6x6.wdf')).toBe('6x6');
    expect(fileStem('C:\\data\\nir.spc')).toBe('nir');
    expect(fileStem('a/b.tar.gz')).toBe('b.tar');
    expect(fileStem('README')).toBe('README');
    expect(fileStem('/x/.hidden')).toBe('.hidden');
    expect(fileStem('mix\\of/both.jdx')).toBe('both');
  });
});
