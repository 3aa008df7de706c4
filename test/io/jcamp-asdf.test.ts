import { describe, expect, it } from 'vitest';
import { decodeLineYs, newTokenBuffer, newYStream, scanAsdfLine, type TokenBuffer } from '../../src-main/io/jcamp/asdf';
import type { Ctx } from '../../src-main/io/jcamp/context';
import { userErrorOf } from '../helpers/errors';

/** Values written out by hand from the character classes of JCAMP-DX 4.24 §5.9. */

const ctx: Ctx = { file: 't.jdx', opts: {}, totalLines: 0, warnings: [] };

function scan(line: string): TokenBuffer {
  const buf = newTokenBuffer(line.length + 1);
  expect(scanAsdfLine(line, buf)).toBeNull();
  return buf;
}

function tokens(buf: TokenBuffer): Array<[number, number]> {
  return Array.from({ length: buf.count }, (_, k) => [buf.kinds[k]!, buf.values[k]!]);
}

describe('ASDF tokeniser', () => {
  it('reads SQZ, DIF and DUP tokens with their signed leading digit', () => {
    // kinds: 0 absolute (AFFN/SQZ), 1 DIF, 2 DUP
    expect(tokens(scan('4000A23J4%j1T'))).toEqual([
      [0, 4000],
      [0, 123],
      [1, 14],
      [1, 0],
      [1, -11],
      [2, 2],
    ]);
  });

  it('takes an exponent only inside an AFFN number and only with its sign', () => {
    expect(tokens(scan('10 1.5E+03 E5,-2;+7'))).toEqual([
      [0, 10],
      [0, 1500],
      [0, 55],
      [0, -2],
      [0, 7],
    ]);
  });

  it('names the token and column of a character outside ASDF', () => {
    const buf = newTokenBuffer(8);
    expect(scanAsdfLine('10 A1?', buf)).toEqual({ column: 5, token: 'A1?', reason: 'is a missing value ("?"); every Y must be a number' });
    expect(scanAsdfLine('10 A1#2', buf)).toEqual({ column: 5, token: 'A1#2', reason: 'contains an invalid character' });
  });
});

describe('ASDF Y values', () => {
  it('sums DIFs, repeats the last difference for DUP and drops a matching Y-check', () => {
    const ys = newYStream(6);
    expect(decodeLineYs(ys, scan('4000A23J4%j1T'), '4000A23J4%j1T', 1, ctx)).toBe(0);
    expect(ys.checkPending).toBe(true);
    expect(decodeLineYs(ys, scan('4005A15J2'), '4005A15J2', 2, ctx)).toBe(4);
    expect(Array.from(ys.raw)).toEqual([123, 137, 137, 126, 115, 127]);
    expect(ys.count).toBe(6);
  });

  it('rejects a Y-check that does not repeat the previous line’s last Y', () => {
    const ys = newYStream(6);
    decodeLineYs(ys, scan('4000A23J4%j1T'), '4000A23J4%j1T', 1, ctx);
    expect(userErrorOf(() => decodeLineYs(ys, scan('4005A16J2'), '4005A16J2', 2, ctx)).message).toBe(
      't.jdx, line 2: DIF Y-check failed: the line starts with Y=116, but the previous line ended with Y=115 (a line is missing or corrupted).',
    );
  });

  it('counts DUP repeats past NPOINTS without storing them', () => {
    const ys = newYStream(3);
    decodeLineYs(ys, scan('1 A1s'), '1 A1s', 1, ctx);
    expect({ raw: Array.from(ys.raw), count: ys.count, lastY: ys.lastY }).toEqual({ raw: [11, 11, 11], count: 9, lastY: 11 });
  });
});
