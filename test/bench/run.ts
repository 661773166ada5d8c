/**
 * `npm run bench [table…]`: runs every benchmark table, one Node process per table, one after the
 * other (never two at once: they would time each other), then prints every budget with PASS or
 * FAIL and writes the results to `.tollbooth/bench/` (`latest.md` for BENCHMARKS.md, `latest.json`).
 *
 * A table's standard output goes to /dev/null — the authorizer's decision lines and EMF metrics
 * land there, so their cost is real but the terminal stays readable — and its report comes back
 * over IPC. Budgets are printed, never asserted: the exit code is non-zero only when a table
 * failed to run (for example, a contender failed its correctness proof).
 */
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { renderBudgets, renderReport, type Budget, type TableMessage, type TableReport } from './lib/report';

/** Tables in the order they run; each is a script in this directory. */
const TABLES = ['verify', 'tollbooth', 'cold-start', 'scale', 'memory', 'key-policy', 'cli', 'revocation'] as const;

/**
 * Extra Node flags per table. The memory table runs with the heap of a small Lambda function
 * (V8 otherwise grows its heap freely on a machine with gigabytes to spare, and RSS would say more
 * about V8's appetite than about Tollbooth's caches): unbounded caches would crash it.
 */
const TABLE_FLAGS: Partial<Record<(typeof TABLES)[number], readonly string[]>> = {
  memory: ['--max-old-space-size=192', '--max-semi-space-size=4'],
};

const requested = process.argv.slice(2);
const unknown = requested.filter((name) => !(TABLES as readonly string[]).includes(name));
if (unknown.length > 0) {
  process.stderr.write(`unknown table(s): ${unknown.join(', ')} (known: ${TABLES.join(', ')})\n`);
  process.exit(2);
}
const selected = requested.length > 0 ? TABLES.filter((name) => requested.includes(name)) : [...TABLES];

const machine = describeMachine();
process.stdout.write(`Tollbooth benchmarks — ${machine}\n\n`);

const started = performance.now();
const reports: TableReport[] = [];
const failures: string[] = [];
for (const table of selected) {
  process.stdout.write(`▶ ${table}\n`);
  const message = await runTableProcess(table);
  if (message.type === 'report') {
    reports.push(message.report);
    process.stdout.write(`\n${renderReport(message.report)}\n\n`);
  } else {
    failures.push(table);
    process.stdout.write(`\n✗ ${table} failed:\n${message.message}\n\n`);
  }
}
const totalSeconds = (performance.now() - started) / 1000;

const budgets: Budget[] = reports.flatMap((report) => report.budgets ?? []);
process.stdout.write(`## Budgets\n\n${renderBudgets(budgets)}\n\n`);
process.stdout.write(`Total ${totalSeconds.toFixed(0)} s${failures.length > 0 ? `; FAILED tables: ${failures.join(', ')}` : ''}\n`);

writeResults(reports, budgets, totalSeconds);
process.exit(failures.length > 0 ? 1 : 0);

function runTableProcess(table: (typeof TABLES)[number]): Promise<TableMessage> {
  const script = fileURLToPath(new URL(`./${table}.ts`, import.meta.url));
  return new Promise((resolve) => {
    let received: TableMessage | undefined;
    const child = fork(script, [], {
      // --expose-gc: the measurer collects garbage between batches so one contender's garbage is
      // not billed to the next.
      execArgv: ['--expose-gc', ...(TABLE_FLAGS[table] ?? []), '--import', 'tsx'],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    child.on('message', (message: TableMessage) => {
      received = message;
    });
    child.on('exit', (code, signal) => {
      resolve(received ?? { type: 'error', message: `process exited with ${signal ?? `code ${code}`} before reporting` });
    });
  });
}

function describeMachine(): string {
  const cpuList = cpus();
  const model = cpuList[0]?.model.trim() ?? 'unknown CPU';
  const memoryGiB = (totalmem() / 1024 ** 3).toFixed(0);
  return `${model}, ${cpuList.length} cores, ${memoryGiB} GiB RAM, Node.js ${process.version}, load average ${loadavg()
    .map((load) => load.toFixed(2))
    .join(' ')}`;
}

function writeResults(tableReports: readonly TableReport[], allBudgets: readonly Budget[], seconds: number): void {
  const directory = fileURLToPath(new URL('../../.tollbooth/bench/', import.meta.url));
  mkdirSync(directory, { recursive: true });
  const when = new Date().toISOString();
  writeFileSync(`${directory}latest.json`, `${JSON.stringify({ when, machine, totalSeconds: seconds, reports: tableReports }, null, 2)}\n`);
  const markdown = [
    `Run ${when} — ${machine}; total ${seconds.toFixed(0)} s.`,
    '',
    ...tableReports.map((report) => `${renderReport(report)}\n`),
    '### Budgets',
    '',
    renderBudgets(allBudgets),
    '',
  ].join('\n');
  writeFileSync(`${directory}latest.md`, markdown);
  process.stdout.write(`Results: ${directory}latest.md, latest.json\n`);
}
