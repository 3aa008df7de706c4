import { describe, expect, it } from 'vitest';
import { baseName, fileStem } from '../../src-main/common/domain/file-names';

const PATHS = ['/data/run 1/6x6.wdf', 'C:\\data\\nir.spc', 'a/b.tar.gz', 'README', '/x/.hidden', 'mix\\of/both.jdx', 'dir/'];

describe('file names', () => {
  it('takes the last segment of Unix and Windows paths', () => {
    expect(PATHS.map(baseName)).toEqual(['6x6.wdf', 'nir.spc', 'b.tar.gz', 'README', '.hidden', 'both.jdx', '']);
  });

  it('drops only the last extension, and not a leading dot', () => {
    expect(PATHS.map(fileStem)).toEqual(['6x6', 'nir', 'b.tar', 'README', '.hidden', 'both', '']);
  });
});
