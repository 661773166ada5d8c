/**
 * Where a Tollbooth function's code comes from, and how its configuration file gets into it.
 *
 * The installed package ships both Lambdas pre-bundled (`dist/assets/<entry>/index.mjs`, built by
 * `npm run build` with the esbuild options of `bundling.ts`), so a user's synth needs neither our
 * TypeScript sources nor esbuild. A checkout of this repository runs the TypeScript sources (tsx,
 * vitest) and bundles them at synth time with the same options, so an edit takes effect without a
 * build step. Which one applies follows from this module itself: compiled JavaScript means the
 * package, TypeScript means a checkout.
 *
 * Either way the asset comes from CDK's local bundling — never Docker: the bundle is copied (or
 * built) into CDK's staging folder and `tollbooth.config.json` written beside it. The asset hash
 * covers the code's inputs and the configuration, so functions with different configurations get
 * different assets and identical ones share one. Under `aws:cdk:bundling-stacks: []` (the CDK tests) nothing is bundled at all.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { BuildOptions } from 'esbuild';
import { DEFAULT_CONFIG_FILE_NAME } from '../lambdas/core/config/environment';
import { LAMBDA_ENTRIES, LAMBDA_ESBUILD_OPTIONS } from './bundling';

/** A Lambda this package ships. */
export type LambdaEntry = keyof typeof LAMBDA_ENTRIES;

/** How the code is produced: shipped pre-bundled in the package, or bundled from this checkout's sources. */
export type LambdaCodeSource = 'package' | 'sources';

/** The largest configuration file the construct writes: it is parsed at every cold start. */
export const MAX_CONFIG_FILE_BYTES = 1024 * 1024;

const MODULE_FILE = fileURLToPath(import.meta.url);

/** Which code this copy of the construct library uses; see the file comment. */
export const LAMBDA_CODE_SOURCE: LambdaCodeSource = MODULE_FILE.endsWith('.ts') ? 'sources' : 'package';

/** The folder holding a shipped bundle (`dist/assets/<entry>`, beside `dist/lib`). */
export function packagedAssetDirectory(entry: LambdaEntry): string {
  return join(dirname(MODULE_FILE), '..', 'assets', entry);
}

/** The TypeScript entry of a Lambda in this checkout. */
export function sourceEntryFile(entry: LambdaEntry): string {
  return join(dirname(MODULE_FILE), '..', LAMBDA_ENTRIES[entry]);
}

/**
 * The code of one Tollbooth function with `configJson` written beside it as
 * `tollbooth.config.json`. Throws when the shipped bundle is missing (a package built without
 * `npm run build`), naming the folder it looked in.
 */
export function tollboothLambdaCode(entry: LambdaEntry, configJson: string, source: LambdaCodeSource = LAMBDA_CODE_SOURCE): lambda.Code {
  const bytes = Buffer.byteLength(configJson);
  if (bytes > MAX_CONFIG_FILE_BYTES) {
    throw new Error(
      `the authorizer configuration is ${bytes} bytes; at most ${MAX_CONFIG_FILE_BYTES} are supported (route wildcards shorten a large scope map)`,
    );
  }
  const sourcePath = source === 'package' ? packagedAssetDirectory(entry) : dirname(sourceEntryFile(entry));
  if (source === 'package' && !existsSync(join(sourcePath, 'index.mjs'))) {
    throw new Error(`the pre-bundled ${entry} Lambda is missing from ${sourcePath}: this copy of Tollbooth was not built (npm run build)`);
  }
  const writeCode = source === 'package' ? copyShippedBundle : bundleSources;
  return lambda.Code.fromAsset(sourcePath, {
    // What the asset holds, known before bundling (and when bundling is skipped): the code's inputs
    // and the configuration. Two configurations must never share an asset, identical ones may.
    assetHashType: AssetHashType.CUSTOM,
    assetHash: createHash('sha256').update(codeFingerprint(entry, source)).update('\n').update(configJson).digest('hex'),
    bundling: {
      // Required by the type, never pulled or run: local bundling below always succeeds or throws.
      image: DockerImage.fromRegistry('tollbooth-bundles-locally'),
      local: {
        tryBundle(outputDir: string): boolean {
          writeCode(entry, outputDir);
          writeFileSync(join(outputDir, DEFAULT_CONFIG_FILE_NAME), configJson);
          return true;
        },
      },
    },
  });
}

const fingerprints = new Map<string, string>();

/**
 * A digest of everything the bundle is made from: the shipped files, or in a checkout every
 * source file under `lambdas/`, the lock file and the esbuild options. Computed once per process.
 */
function codeFingerprint(entry: LambdaEntry, source: LambdaCodeSource): string {
  const key = `${source}:${entry}`;
  let fingerprint = fingerprints.get(key);
  if (fingerprint === undefined) {
    const hash = createHash('sha256').update(key);
    if (source === 'package') {
      const directory = packagedAssetDirectory(entry);
      for (const file of readdirSync(directory).sort()) hash.update(file).update(readFileSync(join(directory, file)));
    } else {
      const root = join(dirname(MODULE_FILE), '..');
      hash.update(JSON.stringify(LAMBDA_ESBUILD_OPTIONS)).update(readFileSync(join(root, 'package-lock.json')));
      for (const file of readdirSync(join(root, 'lambdas'), { recursive: true, encoding: 'utf8' }).sort()) {
        if (file.endsWith('.ts')) hash.update(file).update(readFileSync(join(root, 'lambdas', file)));
      }
    }
    fingerprint = hash.digest('hex');
    fingerprints.set(key, fingerprint);
  }
  return fingerprint;
}

function copyShippedBundle(entry: LambdaEntry, outputDir: string): void {
  const from = packagedAssetDirectory(entry);
  for (const file of readdirSync(from)) copyFileSync(join(from, file), join(outputDir, file));
}

/**
 * esbuild, loaded only in a checkout (where it is a devDependency), synchronously because CDK's
 * local bundling is synchronous.
 */
function bundleSources(entry: LambdaEntry, outputDir: string): void {
  const esbuild = createRequire(import.meta.url)('esbuild') as { buildSync(options: BuildOptions): unknown };
  esbuild.buildSync({
    ...LAMBDA_ESBUILD_OPTIONS,
    mainFields: [...LAMBDA_ESBUILD_OPTIONS.mainFields],
    external: [...LAMBDA_ESBUILD_OPTIONS.external],
    entryPoints: [sourceEntryFile(entry)],
    outfile: join(outputDir, 'index.mjs'),
    logLevel: 'warning',
  });
}
