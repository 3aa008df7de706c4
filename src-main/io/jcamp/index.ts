/**
 * JCAMP-DX reader (format id 'jcamp').
 *
 * Reads the labelled-data-record (LDR) text format used by IR, Raman and UV-Vis
 * instruments: `##XYDATA=(X++(Y..Y))` in every ASDF form (AFFN, PAC, SQZ, DIF, DUP
 * and mixtures), `(XY..XY)` pair tables (`##XYPOINTS`, `##PEAK TABLE`, and `##XYDATA`
 * written as pairs), and LINK/compound files with several (nested) `##TITLE` blocks.
 *
 * The file is not trusted: point counts, the DIF Y-check, the abscissa of every
 * line and the final X against LASTX are all verified, and every problem is
 * reported as a UserError naming the file and the 1-based line.
 * NTUPLES (nD NMR / MS pages) are not decoded; such blocks are skipped with a warning.
 *
 * The steps, in the order a file meets them: records.ts (lines to `##LABEL=` records
 * and blocks), tables.ts (a block's data table), asdf.ts (the compressed Y values),
 * assembly.ts (blocks to the ParsedBatch).
 */
export { JCAMP_FORMAT_ID, axisUnitFromXUnits, parseJcamp } from './assembly';
export { normalizeLabel } from './records';
