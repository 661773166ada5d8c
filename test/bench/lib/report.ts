/**
 * What a benchmark table hands back, and how it is printed.
 *
 * Each table runs in its own Node process (started by `test/bench/run.ts`) whose standard output
 * goes to /dev/null: that is where the real authorizer writes its decision lines and EMF metrics,
 * so their cost is measured without flooding the terminal. The finished table travels to the
 * runner over the IPC channel; run on its own (`npx tsx test/bench/verify.ts`) a table prints to
 * standard error instead.
 */
import { loadavg } from 'node:os';
import { BENCH_CLOCK } from './measure';

/** One budget from issue 5, checked against this run's figures. */
export interface Budget {
  readonly name: string;
  /** The budget as written, e.g. `≤ 1.4× the limit`. */
  readonly target: string;
  /** What this run measured, e.g. `1.31×`. */
  readonly measured: string;
  readonly pass: boolean;
  readonly note?: string;
}

export interface TableBody {
  readonly columns: readonly string[];
  readonly rows: ReadonlyArray<readonly string[]>;
  /** Sentences printed under the table: what the rows mean, what the reference is. */
  readonly notes?: readonly string[];
  readonly budgets?: readonly Budget[];
  /** Raw figures (nanoseconds, bytes, ratios) for the JSON results file. */
  readonly figures?: Readonly<Record<string, number>>;
}

export interface TableReport extends TableBody {
  readonly id: string;
  readonly title: string;
  readonly durationMs: number;
  /** 1-minute load average when the table started and ended: how busy the machine was. */
  readonly loadBefore: number;
  readonly loadAfter: number;
}

export type TableMessage = { readonly type: 'report'; readonly report: TableReport } | { readonly type: 'error'; readonly message: string };

/** Runs a table's body and delivers its report to the runner (or prints it when run alone). */
export async function runTable(id: string, title: string, body: () => Promise<TableBody>): Promise<void> {
  const started = performance.now();
  const loadBefore = loadavg()[0] ?? 0;
  let message: TableMessage;
  try {
    const result = await body();
    message = {
      type: 'report',
      report: { id, title, ...result, durationMs: performance.now() - started, loadBefore, loadAfter: loadavg()[0] ?? 0 },
    };
  } catch (error) {
    message = { type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  if (process.send) {
    await new Promise<void>((resolve) => process.send?.(message, () => resolve()));
  } else if (message.type === 'report') {
    process.stderr.write(`${renderReport(message.report)}\n`);
  } else {
    process.stderr.write(`${message.message}\n`);
  }
  // Servers (JWKS, dynalite) and SDK sockets would keep the process alive; the table is done.
  process.exit(message.type === 'report' ? 0 : 1);
}

/** A progress line on standard error (standard output is the authorizer's log sink). */
export function progress(text: string): void {
  process.stderr.write(`  … ${text}\n`);
}

/** A Markdown table, padded so it also reads well in a terminal. */
export function renderTable(columns: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = columns.map((column, index) => Math.max(width(column), ...rows.map((row) => width(row[index] ?? ''))));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((cell, index) => pad(cell, widths[index] ?? 0, index > 0)).join(' | ')} |`;
  const rule = `|${widths.map((w, index) => (index > 0 ? `${'-'.repeat(w + 1)}:` : `:${'-'.repeat(w + 1)}`)).join('|')}|`;
  return [line(columns), rule, ...rows.map((row) => line(columns.map((_, index) => row[index] ?? '')))].join('\n');
}

export function renderBudgets(budgets: readonly Budget[]): string {
  if (budgets.length === 0) return '';
  return renderTable(
    ['Budget', 'Target', 'Measured', 'Result'],
    budgets.map((budget) => [
      budget.name,
      budget.target,
      budget.measured,
      `${budget.pass ? 'PASS' : 'FAIL'}${budget.note ? ` (${budget.note})` : ''}`,
    ]),
  );
}

export function renderReport(report: TableReport): string {
  const parts = [`### ${report.title}`, '', renderTable(report.columns, report.rows)];
  if (report.notes && report.notes.length > 0) parts.push('', ...report.notes.map((note) => `- ${note}`));
  if (report.budgets && report.budgets.length > 0) parts.push('', renderBudgets(report.budgets));
  parts.push(
    '',
    `_${(report.durationMs / 1000).toFixed(1)} s; ${BENCH_CLOCK} clock; load average ${report.loadBefore.toFixed(2)} → ${report.loadAfter.toFixed(2)}_`,
  );
  return parts.join('\n');
}

// Characters like `×` and `µ` are one column wide; count code points, not UTF-16 units.
function width(text: string): number {
  return [...text].length;
}

function pad(text: string, to: number, right: boolean): string {
  const fill = ' '.repeat(Math.max(0, to - width(text)));
  return right ? fill + text : text + fill;
}
