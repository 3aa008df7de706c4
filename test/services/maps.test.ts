/** Map images of a map dataset, read from a real project file: chondro (875 Raman spectra on a 35 × 25 grid) and small maps with holes. */
import fs from 'node:fs';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProject, type Db } from '../../src-main/db/connection';
import { datasetSummary } from '../../src-main/db/datasets';
import { importFiles } from '../../src-main/services/import';
import { applyRecipeToDataset } from '../../src-main/services/apply-recipe';
import { parsePipelineSpec } from '../../src-main/common/preprocessing/pipeline';
import { agreementWithColumn, mapImage, writeMapImage } from '../../src-main/services/maps';
import { crc32 } from '../../src-main/services/png';
import { imageRgba, PIXEL } from '../../src-main/common/maps/image';
import { pca } from '../../src-main/common/explore/pca';
import { fixture } from '../helpers/datasets';
import { userErrorOf } from '../helpers/errors';
import { tmpDir } from '../helpers/tmp';

const CHONDRO = fixture('raman_map_chondro', 'chondro.csv');
const table = fs.readFileSync(CHONDRO, 'utf8').trim().split('\n').map((l) => l.split(','));
const wavenumbers = table[0]!.slice(4).map(Number);
const spectra = table.slice(1).map((r) => r.slice(4).map(Number));

let db: Db;
let home: string;
let chondro: number;
let corrected: number;

beforeAll(async () => {
  // One project for the whole file (tmpDir folders go after each test).
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'spectra-desk-maps-'));
  db = openProject(path.join(home, 'p.spectra'), { create: true });
  chondro = (await importFiles(db, { files: [CHONDRO], axisUnit: 'cm-1' })).datasetId;
  // The baseline of the hyperSpec vignette (a straight line fitted below each spectrum), then SNV.
  const spec = parsePipelineSpec({ schemaVersion: 1, steps: [{ kind: 'modpoly', params: { order: 1 } }, { kind: 'snv' }] });
  corrected = (await applyRecipeToDataset(db, { datasetId: chondro, spec, name: 'chondro baseline snv' })).datasetId;
}, 60_000);

afterAll(() => {
  db.close();
  fs.rmSync(home, { recursive: true, force: true });
});

/** A PNG's size and RGBA bytes, decoded here with node:zlib, checking every chunk's CRC. */
function decodePng(bytes: Buffer): { width: number; height: number; rgba: Uint8Array } {
  expect([...bytes.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
  let at = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (at < bytes.length) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    const data = bytes.subarray(at + 8, at + 8 + length);
    expect(bytes.readUInt32BE(at + 8 + length)).toBe(crc32(bytes.subarray(at + 4, at + 8 + length)));
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect([data[8], data[9], data[10], data[11], data[12]]).toEqual([8, 6, 0, 0, 0]);
    }
    if (type === 'IDAT') idat.push(data);
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    expect(raw[y * (width * 4 + 1)]).toBe(0);
    rgba.set(raw.subarray(y * (width * 4 + 1) + 1, (y + 1) * (width * 4 + 1)), y * width * 4);
  }
  return { width, height, rgba };
}

describe('map datasets', () => {
  it('chondro is a 35 × 25 map with 1 µm steps and no missing pixel; its derived dataset too', () => {
    const expected = { width: 35, height: 25, pixels: 875, missing: 0, x0: -11.55, y0: -4.77 };
    expect(datasetSummary(db, chondro).map).toMatchObject(expected);
    expect(datasetSummary(db, chondro).map!.step).toBeCloseTo(1, 12);
    expect(datasetSummary(db, corrected).map).toMatchObject(expected);
  });

  it('band intensity, band area and band ratio images read the stored spectra', () => {
    const at = wavenumbers.indexOf(1002);
    const band = mapImage(db, { datasetId: chondro, spec: { kind: 'band', at: 1003 } });
    expect(band.title).toBe('Intensity at 1002 cm⁻¹');
    expect([band.width, band.height]).toEqual([35, 25]);
    // The file lists pixels row by row from the smallest y: pixel i is row i of the table.
    for (const i of [0, 34, 35, 874]) expect(band.values[i]).toBe(Math.fround(spectra[i]![at]!));
    const area = mapImage(db, { datasetId: chondro, spec: { kind: 'area', from: 1010, to: 990 } });
    expect(area.title).toBe('Band area 990–1010 cm⁻¹');
    const s = spectra[7]!;
    const i0 = wavenumbers.indexOf(990);
    let trapezoid = 0;
    for (let i = i0 + 1; i <= i0 + 5; i++) trapezoid += (4 * (Math.fround(s[i]!) + Math.fround(s[i - 1]!))) / 2;
    expect(area.values[7]).toBeCloseTo(trapezoid, 2);
    const ratio = mapImage(db, { datasetId: chondro, spec: { kind: 'ratio', numerator: 1002, denominator: 1450 } });
    const j = wavenumbers.indexOf(1450);
    expect(ratio.values[3]).toBeCloseTo(Math.fround(spectra[3]![at]!) / Math.fround(spectra[3]![j]!), 5);
    expect(ratio.valueUnit).toBeNull();
  });

  it('PCA score image equals the in-memory PCA of the whole block', () => {
    const image = mapImage(db, { datasetId: chondro, spec: { kind: 'pca', component: 2 } });
    const ref = pca(Float32Array.from(spectra.flat()), 875, 300, 2);
    for (const i of [0, 100, 874]) expect(image.values[i]).toBeCloseTo(ref.scores[i * 2 + 1]!, 2);
    expect(image.title).toBe(`PCA score 2 (${(100 * ref.explainedVarianceRatio[1]!).toFixed(1)} % of the variance)`);
  });

  it('k-means with 3 clusters after baseline + SNV against the clusters in the file: adjusted Rand index 0.5029', () => {
    const image = mapImage(db, { datasetId: corrected, spec: { kind: 'kmeans', k: 3, seed: 1 } });
    expect(image.classes).toEqual(['cluster 1', 'cluster 2', 'cluster 3']);
    expect(image.means!.map((m) => m.count).reduce((a, b) => a + b)).toBe(875);
    expect(image.means![0]!.mean.length).toBe(300);
    const agreement = agreementWithColumn(db, corrected, image, 'cluster');
    expect(agreement.pixels).toBe(869);
    expect(agreement.adjustedRandIndex.toFixed(4)).toBe('0.5029');
    const wardImage = mapImage(db, { datasetId: corrected, spec: { kind: 'ward', k: 3 } });
    expect(agreementWithColumn(db, corrected, wardImage, 'cluster').adjustedRandIndex.toFixed(4)).toBe('0.6810');
  });

  it('class image from a label column; masked pixels are left out of a clustering', () => {
    const image = mapImage(db, { datasetId: chondro, spec: { kind: 'class', column: 'cluster' } });
    expect(image.classes).toEqual(['cell', 'lacuna', 'matrix']);
    expect(image.values[0]).toBe(2);
    expect(image.state.filter((s) => s === PIXEL.none).length).toBe(6);
    const masked = mapImage(db, { datasetId: corrected, spec: { kind: 'kmeans', k: 2 }, mask: [0, 1, 2] });
    expect([...masked.state.subarray(0, 4)]).toEqual([PIXEL.masked, PIXEL.masked, PIXEL.masked, PIXEL.value]);
    expect(masked.means!.map((m) => m.count).reduce((a, b) => a + b)).toBe(872);
  });

  it('writes PNG (decodes to the image colours) and CSV', () => {
    const dir = tmpDir();
    const image = mapImage(db, { datasetId: chondro, spec: { kind: 'band', at: 1002 } });
    const file = path.join(dir, 'band.png');
    writeMapImage(db, chondro, image, file, 2);
    const png = decodePng(fs.readFileSync(file));
    expect([png.width, png.height]).toEqual([70, 50]);
    expect(png.rgba).toEqual(new Uint8Array(imageRgba(image, 2)));
    // The brightest pixel is viridis' last colour, opaque.
    const top = image.values.indexOf(image.max);
    const o = (Math.floor(top / 35) * 2 * 70 + (top % 35) * 2) * 4;
    expect([...png.rgba.subarray(o, o + 4)]).toEqual([0xfd, 0xe7, 0x25, 255]);
    const csv = path.join(dir, 'band.csv');
    writeMapImage(db, chondro, image, csv);
    const lines = fs.readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines.length).toBe(876);
    expect(lines[0]).toBe('col,row,x,y,sample,Intensity at 1002 cm⁻¹');
    expect(lines[1]).toBe(`0,0,-11.55,-4.77,chondro:1,${image.values[0]}`);
    expect(() => writeMapImage(db, chondro, image, path.join(dir, 'band.jpg'))).toThrow('--out must end in .png, .svg or .csv, not "band.jpg".');
  });

  it('a map with missing pixels keeps them missing; bad requests are refused', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'holes.csv');
    // A 3 × 2 map without pixel (1, 1).
    fs.writeFileSync(file, 'id,x,y,100,200\na,0,0,1,2\nb,1,0,3,4\nc,2,0,5,6\nd,0,1,7,8\ne,2,1,9,10\n');
    const id = (await importFiles(db, { files: [file], axisUnit: 'cm-1' })).datasetId;
    expect(datasetSummary(db, id).map).toMatchObject({ width: 3, height: 2, pixels: 5, missing: 1 });
    const image = mapImage(db, { datasetId: id, spec: { kind: 'band', at: 200 } });
    expect([...image.values].map((v) => (Number.isNaN(v) ? null : v))).toEqual([2, 4, 6, 8, null, 10]);
    expect(image.state[4]).toBe(PIXEL.missing);
    const png = path.join(dir, 'holes.png');
    writeMapImage(db, id, image, png);
    expect(decodePng(fs.readFileSync(png)).rgba[4 * 4 + 3]).toBe(0);
    expect(userErrorOf(() => mapImage(db, { datasetId: id, spec: { kind: 'band', at: 300 } })).message).toBe("300 cm⁻¹ is outside the spectra's axis (100 to 200 cm⁻¹).");
    expect(userErrorOf(() => mapImage(db, { datasetId: id, spec: { kind: 'kmeans', k: 6 } })).message).toBe('6 clusters need at least 6 spectra; the map has 5 outside the mask.');
    const flat = path.join(dir, 'flat.csv');
    fs.writeFileSync(flat, 'id,100,200\na,1,2\nb,3,4\n');
    const notMap = (await importFiles(db, { files: [flat], axisUnit: 'cm-1' })).datasetId;
    expect(datasetSummary(db, notMap).map).toBeUndefined();
    expect(userErrorOf(() => mapImage(db, { datasetId: notMap, spec: { kind: 'band', at: 100 } })).message).toMatch(/^Dataset "flat" is not a map/);
  });
});
