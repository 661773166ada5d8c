/**
 * What the package tests share to play a user: commands run in an app outside the repository with
 * the environment a user's shell would give them (the npm registry and cache, no AWS settings), an
 * example app copied out of the repository with its dependencies pointed where the test says, and
 * readers for the templates `cdk synth` wrote.
 */
import { execFile } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPOSITORY_ROOT } from '../../bin/local/bundle-cache';

const exec = promisify(execFile);

/** A synthesized CloudFormation template, as far as the tests read it. */
export interface Template {
  readonly Resources: Record<
    string,
    { readonly Type: string; readonly Properties: Record<string, unknown>; readonly Metadata?: Record<string, string> }
  >;
}

/** What the child processes inherit: enough to reach the npm registry and its cache, no AWS settings. */
export function userEnvironment(): Record<string, string> {
  const kept = Object.entries(process.env).filter(([name]) =>
    /^(PATH|HOME|LANG|TMPDIR|NODE_EXTRA_CA_CERTS|SSL_CERT_FILE|SSL_CERT_DIR|npm_config_(cache|registry|userconfig))$/.test(name),
  );
  return {
    ...(Object.fromEntries(kept) as Record<string, string>),
    CI: 'true',
    AWS_EC2_METADATA_DISABLED: 'true',
    CDK_DISABLE_CLI_TELEMETRY: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

/** Runs a command in `cwd` as a user would; a failure carries its output. */
export async function run(command: string, args: readonly string[], cwd: string): Promise<{ stdout: string; stderr: string }> {
  try {
    return await exec(command, [...args], { cwd, env: userEnvironment(), maxBuffer: 64 * 1024 * 1024, timeout: 600_000 });
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${failed.stderr ?? ''}\n${failed.stdout ?? ''}`.slice(0, 8000));
  }
}

/** `npm install` as the suite runs it: quiet, and from the npm cache when it can. */
export const NPM_INSTALL = ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'] as const;

/** Copies an example out of the repository, its dependencies overridden (`tollbooth` → the tarball). */
export function copyExample(name: string, to: string, dependencies: Readonly<Record<string, string>>): void {
  cpSync(join(REPOSITORY_ROOT, 'examples', name), to, { recursive: true, filter: (path) => !/node_modules|cdk\.out/.test(path) });
  const manifest = JSON.parse(readFileSync(join(to, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  Object.assign(manifest.dependencies, dependencies);
  writeFileSync(join(to, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** A stack's template from the app's `cdk.out`. */
export function templateOf(app: string, stack: string): Template {
  return JSON.parse(readFileSync(join(app, 'cdk.out', `${stack}.template.json`), 'utf8')) as Template;
}

/** The resources of one type in a template, with their logical ids. */
export function resources(template: Template, type: string): Array<[string, Template['Resources'][string]]> {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}
