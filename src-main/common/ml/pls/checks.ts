import { UserError } from '../../errors';

/** Input checks shared by fitting, prediction and cross-validation: every failure is a UserError naming the bad value. */

export function fail(message: string): never {
  throw new UserError('BAD_INPUT', message);
}

export function checkInteger(what: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) fail(`PLS: ${what} must be a whole number ≥ ${min}, got ${value}.`);
}

export function checkShape(name: string, data: ArrayLike<number>, rows: number, cols: number): void {
  if (data.length !== rows * cols) {
    fail(`PLS: ${name} has ${data.length} values, but ${rows} samples × ${cols} ${name === 'X' ? 'variables' : 'targets'} need ${rows * cols}.`);
  }
}

/** The largest component count `rows` centred samples and `cols` variables allow, with a sentence saying why. */
export function componentLimit(rows: number, cols: number): { max: number; why: string } {
  return rows - 1 <= cols
    ? { max: rows - 1, why: `${rows} training samples allow at most ${rows - 1}` }
    : { max: cols, why: `${cols} variables allow at most ${cols}` };
}

export function checkComponents(components: number, rows: number, cols: number): void {
  checkInteger('the number of components', components, 1);
  const { max, why } = componentLimit(rows, cols);
  if (components > max) fail(`PLS: ${components} components asked for, but ${why}.`);
}

export function findNonFinite(name: string, data: ArrayLike<number>, width: number): never {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      const row = Math.floor(i / width) + 1;
      const col = (i % width) + 1;
      fail(`PLS: ${name} has a non-finite value (${data[i]}) at sample ${row}, ${name === 'X' ? 'variable' : 'target'} ${col}; remove or impute it first.`);
    }
  }
  fail(`PLS: ${name} has values too large to square in double precision; rescale it first.`);
}


export function checkLabels(labels: ArrayLike<number>, rows: number, classes: number): void {
  checkInteger('the number of classes', classes, 2);
  if (labels.length !== rows) fail(`PLS-DA: ${labels.length} labels for ${rows} samples.`);
  for (let i = 0; i < rows; i++) {
    const v = labels[i];
    if (!Number.isInteger(v) || v < 0 || v >= classes) {
      fail(`PLS-DA: label ${v} at sample ${i + 1} is outside 0…${classes - 1} (${classes} classes).`);
    }
  }
}
