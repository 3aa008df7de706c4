/**
 * Turns the blocks of a JCAMP-DX file into one ParsedBatch: which blocks are
 * spectra, their axis and intensity units, sample ids and metadata.
 */
import type {
  AxisUnit,
  ColumnKind,
  ImportOptions,
  MetaValue,
  ParsedAxis,
  ParsedBatch,
  ParsedSample,
} from '../../common/domain/spectra';
import { fileStem } from '../../common/domain/file-names';
import { UserError, badInput } from '../../common/errors';
import { excerpt, quoteExcerpt } from '../../common/format/excerpt';
import { type Ctx, checkAbort } from './context';
import { type Block, type Ldr, buildBlocks, decodeText, flattenBlocks, readLdrs, splitLines, textParam } from './records';
import { classifyBlock, decodeTable } from './tables';

export const JCAMP_FORMAT_ID = 'jcamp';

/** Labels copied to sample metadata (normalised label → meta key). */
const META_LABELS: ReadonlyArray<readonly [string, string]> = [
  ['TITLE', 'title'],
  ['DATATYPE', 'dataType'],
  ['ORIGIN', 'origin'],
  ['OWNER', 'owner'],
  ['MOLFORM', 'molform'],
];

/** A decoded spectrum from one block. */
interface DecodedSpectrum {
  x: Float64Array;
  y: Float32Array;
  unit: AxisUnit;
  unitFromFile: boolean;
  yUnit: string | null;
  meta: Record<string, MetaValue>;
  isPeakTable: boolean;
}

/**
 * Parses a JCAMP-DX file into one sample per spectral block.
 * Throws UserError (BAD_INPUT) naming the file and line for anything it cannot trust.
 */
export function parseJcamp(bytes: Uint8Array, fileName: string, opts: ImportOptions = {}): ParsedBatch {
  const ctx: Ctx = { file: fileName, opts, totalLines: 0, warnings: [] };
  checkAbort(ctx);
  const text = decodeText(bytes, fileName);
  const lines = splitLines(text);
  ctx.totalLines = lines.length;
  const ldrs = readLdrs(lines, fileName);
  const roots = buildBlocks(ldrs, fileName, ctx.warnings);

  const spectral: Array<{ block: Block; spectrum: DecodedSpectrum }> = [];
  const skipped: string[] = [];
  let unsupported = 0;
  for (const block of flattenBlocks(roots)) {
    checkAbort(ctx);
    const kind = classifyBlock(block);
    if (kind === 'spectral') {
      spectral.push({ block, spectrum: decodeSpectrum(block, lines, ctx) });
    } else if (kind === 'ntuples') {
      unsupported++;
      skipped.push(`${describeBlock(block)} (NTUPLES data, not supported)`);
    } else if (kind === 'other') {
      skipped.push(describeBlock(block));
    }
  }
  if (spectral.length === 0) {
    if (unsupported > 0) {
      throw new UserError(
        'UNSUPPORTED_FORMAT',
        `${fileName}: only NTUPLES data found (nD NMR / MS pages), which this JCAMP-DX reader does not decode.`,
        { file: fileName },
      );
    }
    throw badInput(fileName, `${fileName}: no spectrum found (no ##XYDATA, ##XYPOINTS or ##PEAK TABLE record).`);
  }
  if (skipped.length > 0) ctx.warnings.push(skippedWarning(skipped));
  opts.onProgress?.(1);
  return assembleBatch(spectral, fileName, ctx);
}

function describeBlock(block: Block): string {
  return `${quoteExcerpt(block.title)} (line ${block.line})`;
}

function skippedWarning(skipped: string[]): string {
  const shown = skipped.slice(0, 5).join(', ');
  const more = skipped.length > 5 ? ` and ${skipped.length - 5} more` : '';
  return `${skipped.length} block(s) skipped, not spectra: ${shown}${more}.`;
}

function decodeSpectrum(block: Block, lines: string[], ctx: Ctx): DecodedSpectrum {
  const { x, y, data, params } = decodeTable(block, lines, ctx);
  const fileUnit = axisUnitFromXUnits(textParam(params, 'XUNITS'));
  const yUnitText = textParam(params, 'YUNITS');
  return {
    x,
    y,
    unit: fileUnit ?? ctx.opts.axisUnit ?? 'other',
    unitFromFile: fileUnit !== null,
    yUnit: yUnitText === null ? null : yUnitText.toLowerCase(),
    meta: blockMeta(params),
    isPeakTable: data.label === 'PEAKTABLE',
  };
}

function blockMeta(params: Map<string, Ldr>): Record<string, MetaValue> {
  const meta: Record<string, MetaValue> = {};
  for (const [label, key] of META_LABELS) {
    const v = textParam(params, label);
    if (v !== null) meta[key] = v;
  }
  return meta;
}

/** Maps XUNITS to the app's axis units; unknown units fall back to the user's choice. */
export function axisUnitFromXUnits(xUnits: string | null): AxisUnit | null {
  if (xUnits === null) return null;
  const u = xUnits.toUpperCase().replace(/\s+/g, '');
  if (['1/CM', 'CM-1', 'CM^-1', '1/CENTIMETERS', 'WAVENUMBER', 'WAVENUMBERS', 'WAVENUMBERS(CM-1)'].includes(u)) return 'cm-1';
  if (['NANOMETERS', 'NANOMETER', 'NM'].includes(u)) return 'nm';
  if (['MICROMETERS', 'MICROMETER', 'MICRONS', 'MICRON', 'UM', '\u00b5M'].includes(u)) return 'um';
  if (['MINUTES', 'MIN'].includes(u)) return 'min';
  if (['M/Z', 'MZ'].includes(u)) return 'mz';
  return null;
}

/**
 * Sample ids: the file stem for a single spectrum; otherwise the block titles when
 * they are all present and distinct (they name the spectra in LINK files), else stem#k.
 */
function sampleIds(blocks: Block[], stem: string): string[] {
  if (blocks.length === 1) return [stem];
  const titles = blocks.map((b) => b.title);
  const unique = new Set(titles).size === titles.length && titles.every((t) => t !== '');
  return unique ? titles : blocks.map((_, k) => `${stem}#${k + 1}`);
}

function sameAxis(a: ParsedAxis, x: Float64Array, unit: AxisUnit, fromFile: boolean): boolean {
  if (a.unit !== unit || a.unitFromFile !== fromFile || a.values.length !== x.length) return false;
  for (let i = 0; i < x.length; i++) if (a.values[i] !== x[i]) return false;
  return true;
}

/** Blocks sharing an identical axis share one ParsedAxis (compound files repeat the same grid). */
function axisIndex(axes: ParsedAxis[], x: Float64Array, unit: AxisUnit, fromFile: boolean): number {
  const found = axes.findIndex((a) => sameAxis(a, x, unit, fromFile));
  if (found >= 0) return found;
  axes.push({ values: x, unit, unitFromFile: fromFile });
  return axes.length - 1;
}

function assembleBatch(spectral: Array<{ block: Block; spectrum: DecodedSpectrum }>, fileName: string, ctx: Ctx): ParsedBatch {
  const ids = sampleIds(
    spectral.map((s) => s.block),
    fileStem(fileName),
  );
  const axes: ParsedAxis[] = [];
  const samples: ParsedSample[] = [];
  const columnKinds: Record<string, ColumnKind> = {};
  spectral.forEach(({ block, spectrum }, k) => {
    const sample: ParsedSample = {
      id: ids[k],
      axis: axisIndex(axes, spectrum.x, spectrum.unit, spectrum.unitFromFile),
      channels: [spectrum.y],
      meta: spectrum.meta,
      sourceLine: block.line,
    };
    if (ctx.opts.splitTag !== undefined) sample.split = ctx.opts.splitTag;
    for (const key of Object.keys(spectrum.meta)) columnKinds[key] = 'text';
    if (spectrum.isPeakTable) ctx.warnings.push(`${excerpt(ids[k]!)}: a peak table (sticks), not a continuous spectrum.`);
    samples.push(sample);
  });
  const batch: ParsedBatch = { format: JCAMP_FORMAT_ID, axes, samples, columnKinds, warnings: ctx.warnings };
  const yUnits = new Set(spectral.map((s) => s.spectrum.yUnit));
  if (yUnits.size === 1) {
    const only = [...yUnits][0];
    if (only !== null) batch.yUnit = only;
  } else {
    ctx.warnings.push(`${fileName}: blocks have different YUNITS (${[...yUnits].map((u) => excerpt(String(u))).join(', ')}); no common intensity unit set.`);
  }
  if (!spectral.every((s) => s.spectrum.unitFromFile)) {
    ctx.warnings.push(`${fileName}: XUNITS missing or not recognised; axis unit set to '${axes.find((a) => !a.unitFromFile)?.unit}'.`);
  }
  return batch;
}
