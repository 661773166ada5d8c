/**
 * The CDK app: `npx cdk synth` / `npx cdk deploy`. Settings come from CDK context
 * (`bin/app-context.ts`); with none, the stack brings its own Cognito user pool. The stack is
 * environment-agnostic, so synth needs no AWS account, region or credentials. cdk-nag's
 * AwsSolutions pack checks every synth.
 *
 * A bad setting or configuration fails the synth with its message alone — one line per problem,
 * as the context reader and the construct word them — rather than wrapped in a Node.js stack
 * trace; `DEBUG=1` (or `cdk --debug`, which sets `CDK_DEBUG`) adds the trace.
 */
import { App } from 'aws-cdk-lib';
import { buildTollboothApp } from './app-context';

try {
  buildTollboothApp(new App());
} catch (error) {
  const debug = Boolean(process.env['DEBUG']?.trim() || process.env['CDK_DEBUG']?.trim());
  const text = error instanceof Error ? (debug && error.stack ? error.stack : error.message) : String(error);
  process.stderr.write(`${text}\n`);
  process.exit(1);
}
