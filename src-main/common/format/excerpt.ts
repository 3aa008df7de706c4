/**
 * User text inside a message: one line, short, with invisible characters shown. A bad value can
 * be a whole multi-megabyte line (a table read with the wrong separator) and a record's value can
 * hold line breaks; quoted verbatim, either makes an error that does not fit on one line.
 */
import { count } from './numbers';

/** Characters of the text a message shows by default. */
export const EXCERPT_MAX = 60;

export interface ExcerptOptions {
  /** Most characters shown; an escape counts as the characters it prints. */
  max?: number;
  /** Quote mark around the excerpt; '' for a value that reads without one (`NPOINTS=37.5`). */
  quote?: '"' | "'" | '';
  /** Show every non-ASCII character as an escape too: for formats that are ASCII by definition (JCAMP-DX). */
  ascii?: boolean;
}

/** Controls, format characters (bidi overrides, zero-width), line and paragraph separators, lone surrogates. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;
const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function visibleChar(ch: string, ascii: boolean): string {
  const c = ch.codePointAt(0)!;
  if (c >= 0x20 && c < 0x7f) return ch;
  const named = NAMED[ch];
  if (named !== undefined) return named;
  if (!ascii && !INVISIBLE.test(ch)) return ch;
  if (c < 0x100) return `\\x${c.toString(16).padStart(2, '0')}`;
  return c < 0x10000 ? `\\u${c.toString(16).padStart(4, '0')}` : `\\u{${c.toString(16)}}`;
}

/** The visible form of `text` up to `max` printed characters, and whether anything was left out. */
function visible(text: string, max: number, ascii: boolean): { shown: string; cut: boolean } {
  let shown = '';
  for (const ch of text) {
    const piece = visibleChar(ch, ascii);
    if (shown.length + piece.length > max) return { shown, cut: true };
    shown += piece;
  }
  return { shown, cut: false };
}

/** `text` on one line and at most `max` characters, "…" where it was cut; for a field or id, not a sentence. */
export function excerpt(text: string, opts: Omit<ExcerptOptions, 'quote'> = {}): string {
  const { shown, cut } = visible(text, opts.max ?? EXCERPT_MAX, opts.ascii ?? false);
  return cut ? `${shown}…` : shown;
}

/**
 * `text` quoted for a message: `"abc"`, or when it is longer than `max`, its start and how long the
 * whole was: `"1.2,3.4,5.6,…" (2 134 880 characters)`.
 */
export function quoteExcerpt(text: string, opts: ExcerptOptions = {}): string {
  const q = opts.quote ?? '"';
  const { shown, cut } = visible(text, opts.max ?? EXCERPT_MAX, opts.ascii ?? false);
  return cut ? `${q}${shown}…${q} (${count(text.length)} characters)` : `${q}${shown}${q}`;
}

/** A message with its line breaks (and the blanks around them) turned into single spaces. */
export function singleLine(message: string): string {
  return message.replace(/[ \t]*(?:\r\n|[\n\r\v\f\u0085\u2028\u2029])\s*/g, ' ');
}
