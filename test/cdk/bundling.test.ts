/**
 * The construct's bundling must be lib/bundling.ts's, option for option: this test fails when an
 * esbuild option is added there and not carried to NodejsFunction, or when the construct's
 * value drifts. (bundle.test.ts also compares the bytes the two produce.)
 */
import { describe, expect, it } from 'vitest';
import { OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { lambdaBundlingOptions } from '../../lib/tollbooth-function';
import { LAMBDA_ESBUILD_OPTIONS } from '../../lib/bundling';

const bundling = lambdaBundlingOptions();

/** Where each esbuild option shows up in the NodejsFunction bundling options. */
const EXPECTED_MAPPING: Record<keyof typeof LAMBDA_ESBUILD_OPTIONS, () => void> = {
  bundle: () => expect(LAMBDA_ESBUILD_OPTIONS.bundle).toBe(true), // NodejsFunction always bundles
  platform: () => expect(LAMBDA_ESBUILD_OPTIONS.platform).toBe('node'), // and always for node
  format: () => expect(bundling.format).toBe(LAMBDA_ESBUILD_OPTIONS.format === 'esm' ? OutputFormat.ESM : OutputFormat.CJS),
  target: () => expect(bundling.target).toBe(LAMBDA_ESBUILD_OPTIONS.target),
  mainFields: () => expect(bundling.mainFields).toEqual(LAMBDA_ESBUILD_OPTIONS.mainFields),
  external: () => {
    expect(bundling.externalModules).toEqual(LAMBDA_ESBUILD_OPTIONS.external);
    expect(bundling.bundleAwsSDK).toBe(true);
  },
  minify: () => expect(bundling.minify).toBe(LAMBDA_ESBUILD_OPTIONS.minify),
  keepNames: () => expect(bundling.keepNames).toBe(LAMBDA_ESBUILD_OPTIONS.keepNames),
  sourcemap: () => {
    expect(bundling.sourceMap).toBe(LAMBDA_ESBUILD_OPTIONS.sourcemap);
    expect(bundling.sourceMapMode).toBeUndefined(); // esbuild's `true` is the default (linked) mode
  },
  sourcesContent: () => expect(bundling.sourcesContent).toBe(LAMBDA_ESBUILD_OPTIONS.sourcesContent),
  treeShaking: () => expect(bundling.esbuildArgs?.['--tree-shaking']).toBe(String(LAMBDA_ESBUILD_OPTIONS.treeShaking)),
  banner: () => expect(bundling.banner).toBe(LAMBDA_ESBUILD_OPTIONS.banner.js),
  outExtension: () => expect(LAMBDA_ESBUILD_OPTIONS.outExtension['.js']).toBe('.mjs'), // NodejsFunction names ESM output index.mjs
  legalComments: () => expect(bundling.esbuildArgs?.['--legal-comments']).toBe(LAMBDA_ESBUILD_OPTIONS.legalComments),
};

describe('authorizer bundling options', () => {
  it('covers every esbuild option of lib/bundling.ts', () => {
    expect(Object.keys(EXPECTED_MAPPING).sort()).toEqual(Object.keys(LAMBDA_ESBUILD_OPTIONS).sort());
  });

  it.each(Object.keys(EXPECTED_MAPPING) as (keyof typeof LAMBDA_ESBUILD_OPTIONS)[])('carries %s to NodejsFunction unchanged', (option) => {
    EXPECTED_MAPPING[option]();
  });

  it('sets nothing lib/bundling.ts does not ask for', () => {
    expect(Object.keys(bundling).sort()).toEqual([
      'banner',
      'bundleAwsSDK',
      'esbuildArgs',
      'externalModules',
      'format',
      'keepNames',
      'mainFields',
      'minify',
      'sourceMap',
      'sourcesContent',
      'target',
    ]);
    expect(Object.keys(bundling.esbuildArgs ?? {}).sort()).toEqual(['--legal-comments', '--tree-shaking']);
  });
});
