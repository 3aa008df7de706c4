#!/usr/bin/env node
// Raw NIR absorbance of the kind issue 15 describes, for tuning the network inputs on data that
// is neither z-normalised per spectrum (as the UCR archive is) nor in this repository: 6 classes,
// 20 training and 7 test spectra each (120 / 42), 351 points from 1100 to 2500 nm. Every
// spectrum is a sum of broad bands (water, C–H, N–H overtones) near 0.3–1.2 absorbance; the
// classes differ only in the heights of a few bands (by 1–3 % of absorbance, 0.01–0.03), while
// every spectrum has its own baseline offset (sd 0.15), tilt (sd 0.08 over the range),
// path-length scale (sd 4 %), composition spread within its class and instrument noise
// (sd 0.002): the differences between classes are far smaller than those between spectra.
// Seeded; writes a CSV that `spectra-desk import --split-column set` reads (class column
// "class", split column "set", one column per wavelength).
// Usage: node scripts/raw-nir/generate.mjs OUT.csv [--seed S]
import fs from 'node:fs';

const out = process.argv[2];
if (!out) {
  process.stderr.write('Usage: node scripts/raw-nir/generate.mjs OUT.csv [--seed S]\n');
  process.exit(2);
}
const seedAt = process.argv.indexOf('--seed');
let state = seedAt > 0 ? Number(process.argv[seedAt + 1]) : 15;

/** mulberry32, as src-main/common/ml/random.ts, so the same seed gives the same file everywhere. */
function rand() {
  state = (state + 0x6d2b79f5) | 0;
  let t = Math.imul(state ^ (state >>> 15), 1 | state);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());

const CLASSES = 6;
const TRAIN = 20;
const TEST = 7;
const axis = Array.from({ length: 351 }, (_, j) => 1100 + 4 * j);
/** Bands: centre (nm), width (sd, nm), height (absorbance). */
const bands = [
  [1210, 40, 0.25],
  [1450, 60, 0.55],
  [1730, 35, 0.3],
  [1940, 70, 0.8],
  [2100, 50, 0.35],
  [2310, 40, 0.45],
  [2350, 30, 0.3],
];
// Each class moves three bands' heights by 0.01–0.03 absorbance; the rest of a class's spectrum is the common one.
const classShift = Array.from({ length: CLASSES }, () => bands.map(() => 0));
for (let c = 0; c < CLASSES; c++) {
  for (let k = 0; k < 3; k++) classShift[c][Math.floor(rand() * bands.length)] += (rand() < 0.5 ? -1 : 1) * (0.01 + 0.02 * rand());
}

function spectrum(c) {
  const offset = 0.3 + 0.15 * normal();
  const tilt = 0.08 * normal();
  const scale = 1 + 0.04 * normal();
  const heights = bands.map(([, , h], b) => h * (1 + 0.01 * normal()) + classShift[c][b]);
  return axis.map((x, j) => {
    let a = 0;
    bands.forEach(([centre, width], b) => (a += heights[b] * Math.exp(-0.5 * ((x - centre) / width) ** 2)));
    return scale * a + offset + tilt * (j / (axis.length - 1) - 0.5) + 0.002 * normal();
  });
}

const lines = [['class', 'set', ...axis.map(String)].join(',')];
for (const [set, n] of [['train', TRAIN], ['test', TEST]]) {
  for (let i = 0; i < n; i++) for (let c = 0; c < CLASSES; c++) lines.push([`c${c + 1}`, set, ...spectrum(c).map((v) => v.toFixed(5))].join(','));
}
fs.writeFileSync(out, `${lines.join('\n')}\n`);
process.stdout.write(`${out}: ${CLASSES} classes, ${CLASSES * TRAIN} train / ${CLASSES * TEST} test spectra, ${axis.length} points\n`);
