/**
 * What every JCAMP-DX decoding step shares: the file name for messages, progress and
 * cancellation, and the collected warnings.
 */
import type { ImportOptions } from '../../common/domain/spectra';
import { UserError, badInput } from '../../common/errors';
import { quoteExcerpt } from '../../common/format/excerpt';

/** Context threaded through the decoders: file name for errors, progress, cancellation. */
export interface Ctx {
  file: string;
  opts: ImportOptions;
  totalLines: number;
  warnings: string[];
}

/** How many data lines are decoded between progress reports / abort checks. */
export const PROGRESS_EVERY_LINES = 8192;

export function checkAbort(ctx: Ctx): void {
  if (ctx.opts.signal?.aborted) throw new UserError('CANCELLED', `Import of ${ctx.file} was cancelled.`, { file: ctx.file });
}

export function reportProgress(ctx: Ctx, lineIndex: number): void {
  checkAbort(ctx);
  if (ctx.opts.onProgress && ctx.totalLines > 0) ctx.opts.onProgress(Math.min(1, lineIndex / ctx.totalLines));
}

export function lineError(ctx: Ctx, line: number, message: string): UserError {
  return badInput(ctx.file, `${ctx.file}, line ${line}: ${message}`, { line });
}

/** A token or record value quoted for a message; JCAMP-DX is ASCII, so any other byte is shown escaped. */
export function quoteJcamp(text: string, quote: '"' | '' = '"'): string {
  return quoteExcerpt(text, { ascii: true, quote });
}

/** A number as messages show it: eight significant digits, no trailing zeros. */
export function fmt(v: number): string {
  return Number(v.toPrecision(8)).toString();
}
