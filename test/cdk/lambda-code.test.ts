/**
 * Where the functions' code comes from (lib/lambda-code.ts): in this checkout, the TypeScript
 * sources; in the installed package, the shipped bundles (test/package proves that path for real).
 * The asset hash covers code and configuration, so configurations never share an asset.
 */
import { describe, expect, it } from 'vitest';
import { Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { LAMBDA_CODE_SOURCE, MAX_CONFIG_FILE_BYTES, packagedAssetDirectory, tollboothLambdaCode } from '../../lib/lambda-code';
import { testApp } from '../helpers/cdk';

/** The asset hash CDK gives a function built on this code. */
function assetHashOf(code: lambda.Code): string {
  const stack = new Stack(testApp(), 'Test');
  const fn = new lambda.Function(stack, 'Fn', { code, handler: 'index.handler', runtime: lambda.Runtime.NODEJS_22_X });
  const bound = (fn.node.defaultChild as lambda.CfnFunction).code as { s3Key?: string };
  return String(stack.resolve(bound.s3Key));
}

describe('tollboothLambdaCode', () => {
  it('builds from the TypeScript sources in a checkout', () => {
    expect(LAMBDA_CODE_SOURCE).toBe('sources');
  });

  it('gives two configurations two assets, and one configuration one asset', () => {
    const first = assetHashOf(tollboothLambdaCode('authorizer', '{"routes":{"a":["GET /a"]}}'));
    const again = assetHashOf(tollboothLambdaCode('authorizer', '{"routes":{"a":["GET /a"]}}'));
    const other = assetHashOf(tollboothLambdaCode('authorizer', '{"routes":{"b":["GET /b"]}}'));
    const revoke = assetHashOf(tollboothLambdaCode('revoke', '{"routes":{"a":["GET /a"]}}'));
    expect(first).toBe(again);
    expect(new Set([first, other, revoke]).size).toBe(3);
  });

  it('refuses a configuration file over 1 MiB, naming its size', () => {
    const huge = JSON.stringify({ padding: 'x'.repeat(MAX_CONFIG_FILE_BYTES) });
    expect(() => tollboothLambdaCode('authorizer', huge)).toThrow(/configuration is \d+ bytes; at most 1048576/);
  });

  it('says the package was not built when the shipped bundle is missing', () => {
    expect(() => tollboothLambdaCode('authorizer', '{}', 'package')).toThrow(
      `the pre-bundled authorizer Lambda is missing from ${packagedAssetDirectory('authorizer')}: this copy of Tollbooth was not built (npm run build)`,
    );
  });
});
