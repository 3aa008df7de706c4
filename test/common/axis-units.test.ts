import { describe, expect, it } from 'vitest';
import { AXIS_UNITS, AXIS_UNIT_LABELS, isAxisUnit } from '../../src-main/common/domain/spectra';

describe('axis units', () => {
  it('lists every unit once, in the order of their labels', () => {
    expect(AXIS_UNITS).toEqual(['cm-1', 'nm', 'um', 'min', 'mz', 'index', 'other']);
    expect(Object.keys(AXIS_UNIT_LABELS)).toEqual([...AXIS_UNITS]);
  });

  it('accepts only the listed spellings', () => {
    expect(AXIS_UNITS.every(isAxisUnit)).toBe(true);
    expect(['cm^-1', 'CM-1', 'µm', '', 'nm '].filter(isAxisUnit)).toEqual([]);
  });
});
