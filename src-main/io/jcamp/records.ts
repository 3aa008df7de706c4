/**
 * JCAMP-DX labelled data records: bytes to lines, lines to `##LABEL=value` records,
 * records to the `##TITLE` … `##END` block tree, and reading a record's value as a
 * number or a text.
 */
import { badInput } from '../../common/errors';
import { type Ctx, quoteJcamp } from './context';

/** Labels whose continuation lines are data, not a multi-line text value. */
const DATA_LABELS = new Set(['XYDATA', 'XYPOINTS', 'PEAKTABLE', 'DATATABLE', 'RADATA']);

/** One labelled data record: `##LABEL=value` plus its continuation lines. */
export interface Ldr {
  /** Normalised label (uppercase, without spaces, '-', '_', '/'). */
  label: string;
  /** Value with `$$` comments removed; continuation lines joined by '\n' (text labels only). */
  value: string;
  /** 1-based line of the `##` line. */
  line: number;
  /** 0-based index of the first continuation line. */
  contStart: number;
  /** 0-based index one past the last continuation line. */
  contEnd: number;
}

/** A `##TITLE` … `##END` block; LINK files nest blocks inside the outer one. */
export interface Block {
  title: string;
  line: number;
  ldrs: Ldr[];
  children: Block[];
}

/**
 * Bytes → text. JCAMP-DX is ASCII; latin1 keeps every byte as one character so
 * that garbage in a data line can be shown verbatim in the error. Binary content
 * (NUL or many control bytes) is rejected up front rather than reported as a
 * confusing parse error deep in the file.
 */
export function decodeText(bytes: Uint8Array, file: string): string {
  if (bytes.length === 0) throw badInput(file, `${file} is empty.`);
  if (looksBinary(bytes)) throw badInput(file, `${file} is not a JCAMP-DX file: it contains binary data.`);
  let text = latin1(bytes);
  if (text.startsWith('\u00ef\u00bb\u00bf')) text = text.slice(3);
  // A trailing Ctrl-Z is the DOS end-of-file mark some old writers append.
  const eof = text.indexOf('\u001a');
  if (eof >= 0 && text.slice(eof).trim().split('\u001a').join('') === '') text = text.slice(0, eof);
  if (text.trim() === '') throw badInput(file, `${file} is empty.`);
  return text;
}

/**
 * ISO-8859-1 decoding done by hand: exact byte-to-code-point mapping without
 * depending on the ICU data of the runtime (TextDecoder('latin1') is windows-1252).
 */
function latin1(bytes: Uint8Array): string {
  const parts: string[] = [];
  for (let i = 0; i < bytes.length; i += 8192) {
    parts.push(String.fromCharCode(...bytes.subarray(i, i + 8192)));
  }
  return parts.join('');
}

/** NUL bytes or more than 1% control bytes (other than tab/CR/LF/Ctrl-Z) in the first 64 KiB mean binary. */
function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 65536);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i];
    if (b === 0) return true;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x1a && b !== 0x0c) control++;
  }
  return control > n / 100;
}

/** Splits on CRLF, CR or LF: the fixtures mix DOS and Unix line ends. */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/** Removes a `$$` comment (JCAMP-DX comments run to the end of the line). */
export function stripComment(line: string): string {
  const at = line.indexOf('$$');
  return at >= 0 ? line.slice(0, at) : line;
}

/**
 * Normalises a label the way the standard says labels compare:
 * case-insensitive, ignoring spaces, '-', '_' and '/' ("DATA TYPE" = "DATATYPE").
 */
export function normalizeLabel(label: string): string {
  return label.replace(/[\s\-_/]/g, '').toUpperCase();
}

/**
 * Splits the file into LDRs. Continuation lines of text labels are joined into
 * the value (multi-line ORIGIN, TITLE…); for data labels only their line range
 * is kept so that data can be decoded line by line with exact line numbers.
 */
export function readLdrs(lines: string[], file: string): Ldr[] {
  const ldrs: Ldr[] = [];
  let current: Ldr | null = null;
  const textParts: string[] = [];
  const finish = (end: number): void => {
    if (current === null) return;
    current.contEnd = end;
    if (!DATA_LABELS.has(current.label) && textParts.length > 0) {
      current.value = [current.value, ...textParts].filter((s) => s !== '').join('\n');
    }
    textParts.length = 0;
  };
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    const lead = raw.trimStart();
    if (lead.startsWith('##')) {
      finish(i);
      const body = lead.slice(2);
      const eq = body.indexOf('=');
      const label = normalizeLabel(eq >= 0 ? body.slice(0, eq) : body);
      const value = eq >= 0 ? stripComment(body.slice(eq + 1)).trim() : '';
      if (ldrs.length === 0 && label !== 'TITLE') {
        const shown = (eq >= 0 ? body.slice(0, eq) : body).trim();
        throw badInput(file, `${file} is not a JCAMP-DX file: the first record is ##${quoteJcamp(shown, '')}=, expected ##TITLE=.`, {
          line: i + 1,
        });
      }
      current = { label, value, line: i + 1, contStart: i + 1, contEnd: i + 1 };
      ldrs.push(current);
    } else if (current === null) {
      if (stripComment(raw).trim() !== '') {
        throw badInput(file, `${file} is not a JCAMP-DX file: it must start with ##TITLE=.`, { line: i + 1 });
      }
    } else if (!DATA_LABELS.has(current.label)) {
      const part = stripComment(raw).trim();
      if (part !== '') textParts.push(part);
    }
  }
  finish(lines.length);
  if (ldrs.length === 0) throw badInput(file, `${file} is not a JCAMP-DX file: no ##TITLE= record.`);
  return ldrs;
}

/**
 * Builds the block tree: ##TITLE opens a block (nested when the previous one is
 * still open, as in LINK files), ##END closes the innermost one. Records after
 * a top-level ##END that are not a new ##TITLE are ignored with a warning.
 */
export function buildBlocks(ldrs: Ldr[], file: string, warnings: string[]): Block[] {
  const roots: Block[] = [];
  const stack: Block[] = [];
  let stray = 0;
  for (const ldr of ldrs) {
    if (ldr.label === 'TITLE') {
      const block: Block = { title: oneLine(ldr.value), line: ldr.line, ldrs: [ldr], children: [] };
      const parent = stack[stack.length - 1];
      if (parent === undefined) roots.push(block);
      else parent.children.push(block);
      stack.push(block);
    } else if (stack.length === 0) {
      stray++;
    } else {
      stack[stack.length - 1].ldrs.push(ldr);
      if (ldr.label === 'END') stack.pop();
    }
  }
  if (stack.length > 0) warnings.push(`${file}: ${stack.length} block(s) have no ##END= record (file may be truncated).`);
  if (stray > 0) warnings.push(`${file}: ${stray} record(s) after the final ##END= were ignored.`);
  return roots;
}

/** Depth-first, file order: the order blocks appear in the file. */
export function flattenBlocks(roots: Block[]): Block[] {
  const out: Block[] = [];
  const visit = (b: Block): void => {
    out.push(b);
    for (const c of b.children) visit(c);
  };
  roots.forEach(visit);
  return out;
}

export function oneLine(value: string): string {
  return value.replace(/\s*\n\s*/g, ' ').trim();
}

const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Strict number parse: Number('') is 0 and Number('0x10') is 16, neither acceptable here. */
export function parseStrictNumber(text: string): number | null {
  const t = text.trim();
  if (!NUMBER_RE.test(t)) return null;
  const v = Number(t);
  return Number.isFinite(v) ? v : null;
}

/** Reads an optional numeric LDR; a present but unreadable value is an error, not a default. */
export function numberParam(params: Map<string, Ldr>, label: string, ctx: Ctx): number | null {
  const ldr = params.get(label);
  if (ldr === undefined || ldr.value === '') return null;
  const v = parseStrictNumber(ldr.value);
  if (v === null) {
    throw badInput(ctx.file, `${ctx.file}, line ${ldr.line}: ##${label}= ${quoteJcamp(ldr.value)} is not a number.`, {
      line: ldr.line,
      field: label,
    });
  }
  return v;
}

export function requireNumber(params: Map<string, Ldr>, label: string, data: Ldr, ctx: Ctx): number {
  const v = numberParam(params, label, ctx);
  if (v === null) {
    throw badInput(ctx.file, `${ctx.file}, line ${data.line}: ##${label}= is required for this data table but missing.`, {
      line: data.line,
      field: label,
    });
  }
  return v;
}

/** X/Y factors multiply every value; zero would silently flatten the spectrum. */
export function factorParam(params: Map<string, Ldr>, label: string, ctx: Ctx): number {
  const v = numberParam(params, label, ctx);
  if (v === null) return 1;
  if (v === 0) {
    const line = params.get(label)?.line;
    throw badInput(ctx.file, `${ctx.file}, line ${line}: ##${label}= is 0.`, { line, field: label });
  }
  return v;
}

export function textParam(params: Map<string, Ldr>, label: string): string | null {
  const v = params.get(label)?.value;
  return v === undefined || v.trim() === '' ? null : oneLine(v);
}

