/**
 * CDK test helpers: apps carrying the same feature flags as `cdk.json` (so tests see what
 * `cdk synth` sees), with bundling skipped unless a test asks for it — esbuild runs in
 * `bundle.test.ts` only.
 */
import { readFileSync } from 'node:fs';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

const CDK_JSON = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> };

/**
 * The context of `cdk.json`, plus what the CDK CLI adds (asset metadata, which SAM reads), plus
 * `aws:cdk:bundling-stacks: []` unless `bundle` is set.
 */
export function testApp(options: { bundle?: boolean; outdir?: string } = {}): App {
  return new App({
    context: {
      ...CDK_JSON.context,
      'aws:cdk:enable-asset-metadata': true,
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
    },
    ...(options.outdir ? { outdir: options.outdir } : {}),
  });
}

/** A fresh stack in a fresh test app. */
export function testStack(id = 'Test'): Stack {
  return new Stack(testApp(), id);
}

/** The synthesized template of a stack. */
export function templateOf(stack: Stack): Template {
  return Template.fromStack(stack);
}

/** Resources of one type, by logical id. */
export function resourcesOf(
  template: Template,
  type: string,
): Record<string, { Properties: Record<string, unknown>; Metadata?: Record<string, unknown> }> {
  return template.findResources(type) as Record<string, { Properties: Record<string, unknown>; Metadata?: Record<string, unknown> }>;
}

/** The value, or a failed assertion naming what was missing. */
export function defined<T>(value: T | undefined, what = 'value'): T {
  if (value === undefined) throw new Error(`expected ${what} to be defined`);
  return value;
}
