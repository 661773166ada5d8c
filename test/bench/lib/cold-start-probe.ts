/**
 * Runs inside a fresh `node` process (no tsx, no loader hooks) to time a cold start from the
 * inside: importing the bundle (which reads the configuration, builds verifiers and the DynamoDB
 * client, and hydrates the JWKS at top level, as in Lambda's init phase), then the first requests.
 *
 * The cold-start table compiles this file with esbuild and forks it; the bundle's URL and the
 * events come in through the environment, the timings go back over IPC.
 */

export interface ProbeResult {
  /** From process start to the first line of this script (Node's own bootstrap). */
  readonly bootstrapMs: number;
  /** `await import(bundle)`: module evaluation plus the authorizer's top-level init. */
  readonly importMs: number;
  /** Each event of PROBE_EVENTS in order, through the bundle's `handler`. */
  readonly requestMs: readonly number[];
  /** Node built-in modules loaded by the end of the import. */
  readonly builtins: readonly string[];
}

const bootstrapMs = performance.now();
const before = new Set(loadedBuiltins());
const started = performance.now();
const bundle = (await import(process.env['PROBE_BUNDLE_URL'] ?? '')) as { handler: (event: unknown) => Promise<unknown> };
const importMs = performance.now() - started;
const builtins = loadedBuiltins().filter((name) => !before.has(name));

const requestMs: number[] = [];
for (const event of JSON.parse(process.env['PROBE_EVENTS'] ?? '[]') as unknown[]) {
  const start = performance.now();
  try {
    await bundle.handler(event);
  } catch {
    // REST 401s throw; the probe only times.
  }
  requestMs.push(performance.now() - start);
}

const result: ProbeResult = { bootstrapMs, importMs, requestMs, builtins };
process.send?.(result, () => process.exit(0));

function loadedBuiltins(): string[] {
  const list = (process as unknown as { moduleLoadList?: string[] }).moduleLoadList ?? [];
  return list.filter((entry) => entry.startsWith('NativeModule ')).map((entry) => entry.slice('NativeModule '.length));
}
