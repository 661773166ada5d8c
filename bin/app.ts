/**
 * The CDK app: `npx cdk synth` / `npx cdk deploy`. Settings come from CDK context
 * (`bin/app-context.ts`); with none, the stack brings its own Cognito user pool. The stack is
 * environment-agnostic, so synth needs no AWS account, region or credentials. cdk-nag's
 * AwsSolutions pack checks every synth.
 */
import { App } from 'aws-cdk-lib';
import { buildTollboothApp } from './app-context';

buildTollboothApp(new App());
