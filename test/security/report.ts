/**
 * Keeps SECURITY.md's "what was tried" tables honest: each security test file turns the results
 * of the run it is part of into a table, and either checks that SECURITY.md shows exactly that
 * table (`npm test`), or — under `npm run security:report` — saves it so `render-report.ts` can
 * write it into SECURITY.md.
 *
 * A table has checked cells (case, expectation, result, run counts: the same in every green run)
 * and a list of measured facts (latencies, seeds, hit counts, durations) that vary between runs
 * and are written but never compared. So a case added without regenerating the document, or a
 * result that changed, fails `npm test` with a message saying which command to run.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** One generated table of SECURITY.md, delimited by `<!-- security:<id>:begin/end -->`. */
export interface SectionResult {
  readonly id: string;
  readonly columns: readonly string[];
  readonly rows: ReadonlyArray<readonly string[]>;
  /** Facts of this run that are shown but not checked (timings, seeds, counts that vary). */
  readonly measured: readonly string[];
}

export const SECURITY_MD = fileURLToPath(new URL('../../SECURITY.md', import.meta.url));
export const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));

/** True under `npm run security:report`: tests save their tables instead of checking them. */
export const REPORT_MODE = process.env['TOLLBOOTH_SECURITY_REPORT'] === '1';

const MEASURED_MARKER = '<!-- measured: shown, not checked -->';

/** The markdown of a section: the checked table, then the measured facts. */
export function renderSection(section: SectionResult, withMeasured = true): string {
  const escapeCell = (cell: string): string => cell.replaceAll('|', '\\|').replaceAll('\n', ' ');
  const lines = [
    `| ${section.columns.map(escapeCell).join(' | ')} |`,
    `|${section.columns.map(() => '---').join('|')}|`,
    ...section.rows.map((row) => `| ${row.map(escapeCell).join(' | ')} |`),
  ];
  if (withMeasured && section.measured.length > 0) lines.push('', MEASURED_MARKER, ...section.measured.map((fact) => `- ${fact}`));
  return lines.join('\n');
}

/** Replaces the section's generated block in a document; throws if the markers are missing. */
export function replaceSection(document: string, section: SectionResult): string {
  const { begin, end } = markers(section.id);
  const start = document.indexOf(begin);
  const stop = document.indexOf(end);
  if (start < 0 || stop < start) throw new Error(`SECURITY.md has no ${begin} … ${end} block`);
  return `${document.slice(0, start + begin.length)}\n${renderSection(section)}\n${document.slice(stop)}`;
}

/**
 * Compares the checked part of SECURITY.md's block with this run's table. Returns a message
 * naming the first difference, or `undefined` when they agree.
 */
export function staleness(section: SectionResult, document = readFileSync(SECURITY_MD, 'utf8')): string | undefined {
  const { begin, end } = markers(section.id);
  const start = document.indexOf(begin);
  const stop = document.indexOf(end);
  if (start < 0 || stop < start) return `SECURITY.md has no ${begin} block; run \`npm run security:report\``;
  const shown =
    document
      .slice(start + begin.length, stop)
      .split(MEASURED_MARKER)[0]
      ?.trim() ?? '';
  const expected = renderSection(section, false).trim();
  if (shown === expected) return undefined;
  const shownLines = shown.split('\n');
  const expectedLines = expected.split('\n');
  const index = expectedLines.findIndex((line, i) => line !== shownLines[i]);
  const at = index < 0 ? shownLines.length : index;
  return [
    `SECURITY.md's "${section.id}" table does not show this run's results; run \`npm run security:report\`.`,
    `first difference at line ${at + 1} of the table:`,
    `  SECURITY.md: ${shownLines[at] ?? '(missing)'}`,
    `  this run:    ${expectedLines[at] ?? '(nothing more)'}`,
  ].join('\n');
}

/** Saves a section for `render-report.ts` (report mode, or a long fuzz run). */
export function saveSection(section: SectionResult, name = section.id): void {
  if (!existsSync(RESULTS_DIR)) mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(`${RESULTS_DIR}${name}.json`, `${JSON.stringify({ ...section, savedAt: new Date().toISOString() }, null, 2)}\n`);
}

function markers(id: string): { begin: string; end: string } {
  return { begin: `<!-- security:${id}:begin -->`, end: `<!-- security:${id}:end -->` };
}

/** A duration in ms, rounded for humans. */
export function ms(value: number): string {
  return value >= 100 ? `${Math.round(value)} ms` : `${value.toFixed(1)} ms`;
}
