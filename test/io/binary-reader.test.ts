import { describe, expect, it } from 'vitest';
import { fileStem } from '../../src-main/common/domain/file-names';
import { BinaryReader, linearAxis, requireFinite, sampleId } from '../../src-main/io/binary-reader';
import { userErrorOf as caught } from '../helpers/errors';

describe('BinaryReader', () => {
  const bytes = new Uint8Array([0x01, 0x02, 0x03, 0x04, 0x00, 0x00, 0x80, 0x3f, 0x41, 0x42, 0x00, 0x43]);

  it('reads little- and big-endian fields', () => {
    const le = new BinaryReader(bytes, 'x.bin', true);
    expect(le.u16('a')).toBe(0x0201);
    expect(le.u16('b')).toBe(0x0403);
    expect(le.f32('c')).toBe(1);
    expect(le.text(4, 'd')).toBe('AB');
    const be = new BinaryReader(bytes, 'x.bin', false);
    expect(be.u32('a')).toBe(0x01020304);
  });

  it('names the field, byte and file size when reading past the end', () => {
    const r = new BinaryReader(bytes, 'x.bin');
    r.seek(10, 'start');
    const err = caught(() => r.u32('fnpts'));
    expect(err.code).toBe('BAD_INPUT');
    expect(err.file).toBe('x.bin');
    expect(err.field).toBe('fnpts');
    expect(err.message).toBe('x.bin: field fnpts at byte 10 is past the end of the file (12 bytes).');
  });

  it('checks declared sizes before allocating', () => {
    const r = new BinaryReader(bytes, 'x.bin');
    r.seek(4, 'start');
    const err = caught(() => r.requireBytes(0xffffffff * 4, 'subfile 3 y values'));
    expect(err.code).toBe('BAD_INPUT');
    expect(err.field).toBe('subfile 3 y values');
    expect(err.message).toContain('needs 17179869180 bytes but only 8 remain');
    expect(caught(() => r.f32Array(1e12, 'Y')).field).toBe('Y');
    expect(caught(() => r.requireBytes(-4, 'Y')).message).toContain('impossible size');
    expect(caught(() => r.seek(13, 'block')).message).toContain('outside the file');
  });

  it('rejects 64-bit values that cannot be exact numbers', () => {
    const big = new Uint8Array(8).fill(0xff);
    expect(caught(() => new BinaryReader(big, 'x.bin').u64('size')).field).toBe('size');
  });

  it('reads float arrays from unaligned offsets and from Node Buffers with an offset', () => {
    const raw = new Uint8Array(13);
    new DataView(raw.buffer).setFloat32(1, 2.5, true);
    new DataView(raw.buffer).setFloat32(5, -7, true);
    const pooled = Buffer.concat([Buffer.from([9, 9, 9]), Buffer.from(raw)]).subarray(3);
    const r = new BinaryReader(pooled, 'x.bin');
    r.seek(1, 'y');
    expect(Array.from(r.f32Array(2, 'y'))).toEqual([2.5, -7]);
  });

  it('sub-readers report absolute file positions', () => {
    const r = new BinaryReader(bytes, 'x.bin').sub(8, 4, 'block');
    r.seek(2, 'x');
    expect(caught(() => r.u32('key')).message).toContain('field key at byte 10 is past the end of its block');
  });
});

describe('helpers', () => {
  it('derives ids from the file stem', () => {
    expect(fileStem('/data/run 1/6x6.wdf')).toBe('6x6');
    expect(fileStem('C:\\data\\nir.spc')).toBe('nir');
    expect(sampleId('nir', 0, 1)).toBe('nir');
    expect(sampleId('nir', 2, 20)).toBe('nir#3');
  });

  it('builds linear axes that end exactly on the declared last value', () => {
    const x = linearAxis(4000, 450, 1776);
    expect(x[0]).toBe(4000);
    expect(x[1775]).toBe(450);
    expect(x[1] - x[0]).toBeCloseTo(-3550 / 1775, 12);
    expect(Array.from(linearAxis(5, 9, 1))).toEqual([5]);
  });

  it('names the spectrum and point of a non-finite value', () => {
    const err = caught(() => requireFinite(new Float32Array([1, 2, NaN]), 'a.spc', 'a#2'));
    expect(err.code).toBe('BAD_INPUT');
    expect(err.message).toBe('a.spc: spectrum a#2 has a non-finite value (NaN) at point 3.');
  });
});
