import { AXIS_UNIT_LABELS, type AxisUnit } from '@common/domain/spectra';
import type { DatasetSummary } from '@common/domain/project';
import type { ErrorInfo } from '@common/errors';
import { baseName } from '@common/domain/file-names';
import { num } from '@common/format/numbers';

export { baseName };
export { count, num, plural } from '@common/format/numbers';

export function unitLabel(unit: AxisUnit): string {
  return AXIS_UNIT_LABELS[unit] ?? unit;
}

/** What the x axis measures, from its unit. */
export function axisQuantity(unit: AxisUnit): string {
  switch (unit) {
    case 'cm-1':
      return 'Wavenumber';
    case 'nm':
    case 'um':
      return 'Wavelength';
    case 'min':
      return 'Retention time';
    case 'mz':
      return 'Mass-to-charge';
    case 'index':
      return 'Point';
    default:
      return 'x';
  }
}

export function axisTitle(unit: AxisUnit, reversed: boolean): string {
  const dir = reversed ? 'high → low' : 'low → high';
  if (unit === 'index') return `Point index (no physical axis in the file), ${dir}`;
  if (unit === 'mz') return `m/z, ${dir}`;
  return `${axisQuantity(unit)} (${unitLabel(unit)}), ${dir}`;
}

/** A spectral x axis's title and unit, as LineChart takes them. */
export function xAxisProps(unit: AxisUnit, reversed: boolean): { xTitle: string; xUnit: string } {
  return { xTitle: axisTitle(unit, reversed), xUnit: unitLabel(unit) };
}

export function axisRange(ds: DatasetSummary): string {
  if (!ds.axis) return 'mixed axes';
  const { min, max, unit, descending } = ds.axis;
  const [a, b] = descending ? [max, min] : [min, max];
  return `${num(a)} – ${num(b)} ${unitLabel(unit)}`;
}

export function dateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function duration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1000) return `${Math.max(1, Math.round(ms / 100) / 10)} s`.replace(/^0 s$/, '< 1 s');
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${s % 60} s`;
}

/** Where an error happened, when the message does not already say it. */
export function errorWhere(e: ErrorInfo): string {
  const parts: string[] = [];
  if (e.file && !e.message.includes(baseName(e.file))) parts.push(baseName(e.file));
  if (e.line !== undefined && !new RegExp(`\\b${e.line}\\b`).test(e.message)) parts.push(`line ${e.line}`);
  if (e.field && !e.message.includes(e.field)) parts.push(`field “${e.field}”`);
  return parts.join(', ');
}

export function classColumns(ds: DatasetSummary): string[] {
  return Object.entries(ds.columns)
    .filter(([, c]) => c.kind === 'class')
    .map(([n]) => n);
}

/** The shortcut modifier as this platform writes it. */
export const MOD = typeof navigator !== 'undefined' && /Mac/.test(navigator.platform) ? '⌘' : 'Ctrl+';

/** Rows of a preview tagged `train` (fitted steps learn from these; none tagged → all rows). */
export function trainRowsOf(preview: { splits: (string | null)[] }): number[] {
  return preview.splits.flatMap((s, i) => (s === 'train' ? [i] : []));
}
