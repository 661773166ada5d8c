/**
 * A minimal stand-in for the Lambda Node.js runtime, run as a child process by `npm run invoke`
 * and the bundle test: imports `index.mjs` from `LAMBDA_TASK_ROOT` (so the bundle's init runs
 * exactly once, with the environment it was given), invokes `handler` on the event received over
 * IPC, and sends back what the runtime would report: the response, or the error's type and message.
 *
 * Bundled on its own by `bundle-cache.ts` and run by plain `node`: no TypeScript loader sits
 * between the real bundle and the runtime.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** What the runner reports back. */
export type RunnerResult =
  | { readonly ok: true; readonly response: unknown }
  | { readonly ok: false; readonly phase: 'init' | 'invoke'; readonly errorType: string; readonly errorMessage: string };

type Handler = (event: unknown) => Promise<unknown>;

function failure(phase: 'init' | 'invoke', error: unknown): RunnerResult {
  return {
    ok: false,
    phase,
    errorType: error instanceof Error ? error.name : typeof error,
    errorMessage: error instanceof Error ? error.message : String(error),
  };
}

async function run(event: unknown): Promise<RunnerResult> {
  let handler: Handler;
  try {
    const module = (await import(pathToFileURL(join(process.env['LAMBDA_TASK_ROOT'] ?? '.', 'index.mjs')).href)) as { handler: Handler };
    handler = module.handler;
  } catch (error) {
    return failure('init', error);
  }
  try {
    return { ok: true, response: await handler(event) };
  } catch (error) {
    return failure('invoke', error);
  }
}

process.once('message', (event: unknown) => {
  void run(event).then((result) => {
    process.send?.(result, () => process.exit(0));
  });
});
