import type { JsonValue, ParamInfo, ParamUnit, StepDefinition } from './types';
import { STEPS } from './registry';

/** A param as the CLI and the report list it. */
export interface ParamDoc {
  name: string;
  label: string;
  unit: ParamUnit | null;
  default: JsonValue;
  help: string;
}

/**
 * The unit as a reader sees it: `axis` becomes the data's axis unit when known (`cm⁻¹`), else
 * `axis units`.
 */
export function unitText(unit: ParamUnit | null | undefined, axisUnit?: string): string {
  if (unit === 'axis') return axisUnit || 'axis units';
  return unit ?? '';
}

/** `Window (points)`: the label with its unit, unless the label already names it (`Iterations`). */
export function paramLabel(info: { label: string; unit?: ParamUnit | null }, axisUnit?: string): string {
  const unit = unitText(info.unit, axisUnit);
  return unit && !info.label.toLowerCase().includes(unit.toLowerCase()) ? `${info.label} (${unit})` : info.label;
}

/** The info of `key` of the step `kind`; undefined for an unknown step or param (an old recipe). */
export function paramInfoOf(kind: string, key: string): ParamInfo | undefined {
  const info = STEPS.find((s) => s.kind === kind)?.paramInfo as Record<string, ParamInfo> | undefined;
  return info && Object.hasOwn(info, key) ? info[key] : undefined;
}

/** Every param of a step in schema order, with its default. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function paramDocs(def: StepDefinition<any, any>): ParamDoc[] {
  const defaults = def.params.parse({}) as Record<string, JsonValue>;
  const info = def.paramInfo as Record<string, ParamInfo>;
  return Object.entries(defaults).map(([name, value]) => ({
    name,
    label: info[name]?.label ?? name,
    unit: info[name]?.unit ?? null,
    default: value,
    help: info[name]?.help ?? '',
  }));
}
