/**
 * The CDK app: `npx cdk synth` / `npx cdk deploy`. Settings come from CDK context
 * (`bin/app-context.ts`); with none, the stack brings its own Cognito user pool. The stack is
 * environment-agnostic, so synth needs no AWS account, region or credentials. cdk-nag's
 * AwsSolutions pack checks every synth.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { TollboothStack } from '../lib/tollbooth-stack';
import { settingsFromContext } from './app-context';

const app = new App();
const { stackName, stackProps } = settingsFromContext((key) => app.node.tryGetContext(key));
new TollboothStack(app, stackName, stackProps);
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
