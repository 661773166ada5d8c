/**
 * `npm run build`: builds `dist/`, what the package ships and what its `bin` entries run.
 *
 * - `dist/assets/<lambda>/index.mjs` — each Lambda bundled with the options of `lib/bundling.ts`,
 *   exactly as the construct bundles them in a checkout; the installed construct copies these;
 * - `dist/lib/index.js` — the construct library as one CommonJS file (what `cdk init` apps and ES
 *   module apps alike can load; Node.js reads its named exports from ES modules too). aws-cdk-lib and
 *   constructs stay external: they are the app's own, as peer dependencies; everything else it needs
 *   at synth time (the configuration parser) is inside, so the package has no dependencies;
 * - `dist/bin/tollbooth-*.js` — the command-line tools as CommonJS bundles: no TypeScript to compile
 *   at each start, and no dependency to resolve;
 * - `dist/types/` — declarations for the library, emitted by the TypeScript compiler.
 *
 * A run is skipped when nothing it reads changed since the last one (`--force` rebuilds), so
 * `npm test` can build first without paying for it twice after `npm ci`.
 */
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build } from 'esbuild';
import ts from 'typescript';
import { LAMBDA_ENTRIES, LAMBDA_ESBUILD_OPTIONS } from '../lib/bundling';

const ROOT = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
const DIST = join(ROOT, 'dist');
const STAMP = join(DIST, '.build-fingerprint');

/** The command-line tools the package's `bin` entries run, by their command name. */
export const CLI_ENTRIES = {
  'tollbooth-token': 'bin/token.ts',
  'tollbooth-revoke': 'bin/revoke.ts',
  'tollbooth-decode': 'bin/decode.ts',
} as const;

/** Node.js version the library and tools are compiled for: the package's `engines` minimum. */
const NODE_TARGET = 'node20';

// The library and tools are CommonJS, where `import.meta` does not exist; the one use of it
// (locating the shipped bundles next to the library) reads this module's own file URL instead.
const IMPORT_META_URL: BuildOptions = {
  define: { 'import.meta.url': '__tollboothModuleUrl' },
  banner: { js: "const __tollboothModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
};

async function main(): Promise<void> {
  const force = process.argv.includes('--force');
  const fingerprint = inputsFingerprint();
  if (!force && existsSync(STAMP) && readFileSync(STAMP, 'utf8') === fingerprint) {
    process.stderr.write('build: dist/ is up to date\n');
    return;
  }
  const started = performance.now();
  rmSync(DIST, { recursive: true, force: true });
  mkdirSync(DIST, { recursive: true });
  // The library and tools are CommonJS although this repository's own sources are ES modules.
  writeFileSync(join(DIST, 'package.json'), `${JSON.stringify({ type: 'commonjs' }, null, 2)}\n`);

  await Promise.all([
    ...Object.entries(LAMBDA_ENTRIES).map(([name, entry]) =>
      build({
        ...LAMBDA_ESBUILD_OPTIONS,
        mainFields: [...LAMBDA_ESBUILD_OPTIONS.mainFields],
        external: [...LAMBDA_ESBUILD_OPTIONS.external],
        entryPoints: [join(ROOT, entry)],
        outfile: join(DIST, 'assets', name, 'index.mjs'),
        absWorkingDir: ROOT,
        logLevel: 'warning',
      }),
    ),
    build({
      ...IMPORT_META_URL,
      entryPoints: [join(ROOT, 'lib/index.ts')],
      outfile: join(DIST, 'lib/index.js'),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: NODE_TARGET,
      // The app's own copies, so `instanceof` and construct identity hold; esbuild is only ever
      // loaded in a checkout (lib/lambda-code.ts), never from the package.
      external: ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs', 'esbuild'],
      sourcemap: true,
      sourcesContent: false,
      keepNames: true,
      legalComments: 'none',
      absWorkingDir: ROOT,
      logLevel: 'warning',
    }),
    ...Object.entries(CLI_ENTRIES).map(([command, entry]) =>
      build({
        ...IMPORT_META_URL,
        entryPoints: [join(ROOT, entry)],
        outfile: join(DIST, 'bin', `${command}.js`),
        bundle: true,
        platform: 'node',
        format: 'cjs',
        target: NODE_TARGET,
        mainFields: ['module', 'main'],
        minify: true,
        keepNames: true,
        legalComments: 'none',
        banner: { js: `#!/usr/bin/env node\n${IMPORT_META_URL.banner?.['js'] ?? ''}` },
        absWorkingDir: ROOT,
        logLevel: 'warning',
      }),
    ),
  ]);
  // npm links bin entries as they are: they must be executable for npx and a global install.
  for (const command of Object.keys(CLI_ENTRIES)) chmodSync(join(DIST, 'bin', `${command}.js`), 0o755);
  emitDeclarations();
  pruneDeclarations();
  writeFileSync(STAMP, fingerprint);
  process.stderr.write(`build: dist/ built in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}

/** `dist/types/`: the library's declarations, with the repository's compiler settings. */
function emitDeclarations(): void {
  const configFile = ts.readConfigFile(join(ROOT, 'tsconfig.json'), (path) => ts.sys.readFile(path));
  const parsed = ts.parseJsonConfigFileContent(configFile.config, ts.sys, ROOT);
  const program = ts.createProgram([join(ROOT, 'lib/index.ts')], {
    ...parsed.options,
    noEmit: false,
    declaration: true,
    emitDeclarationOnly: true,
    outDir: join(DIST, 'types'),
    rootDir: ROOT,
  });
  const result = program.emit();
  const errors = [...ts.getPreEmitDiagnostics(program), ...result.diagnostics].filter(
    (diagnostic) => diagnostic.category === ts.DiagnosticCategory.Error,
  );
  if (errors.length > 0) {
    const host = { getCanonicalFileName: (name: string) => name, getCurrentDirectory: () => ROOT, getNewLine: () => '\n' };
    throw new Error(`declarations failed:\n${ts.formatDiagnostics(errors, host)}`);
  }
}

/** Packages the declarations may name: the library's peer dependencies and Node.js itself. */
const DECLARATION_IMPORTS_ALLOWED = /^(aws-cdk-lib(\/.*)?|constructs|node:.*)$/;

/**
 * Keeps only the declarations a user's compiler can reach from `lib/index.d.ts` (the compiler
 * emits one for every module the library's code imports), and fails when one of them names a
 * package the user does not have: the package has no dependencies, so such a type would be `any`
 * under `skipLibCheck`, or an error without it.
 */
function pruneDeclarations(): void {
  const typesRoot = join(DIST, 'types');
  const reachable = new Set<string>();
  const problems: string[] = [];
  const visit = (file: string): void => {
    if (reachable.has(file)) return;
    reachable.add(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/(?:from|import\()\s*['"]([^'"]+)['"]/g)) {
      const specifier = match[1] ?? '';
      if (specifier.startsWith('.')) visit(join(dirname(file), `${specifier}.d.ts`));
      else if (!DECLARATION_IMPORTS_ALLOWED.test(specifier)) problems.push(`${relative(DIST, file)} imports ${specifier}`);
    }
  };
  visit(join(typesRoot, 'lib', 'index.d.ts'));
  if (problems.length > 0) throw new Error(`the published declarations name packages users do not have:\n- ${problems.join('\n- ')}`);
  for (const file of listFiles(typesRoot).map((path) => join(ROOT, path))) {
    if (!reachable.has(file)) rmSync(file);
  }
}

/** Every file the build reads (sources, lock file, this script), by path, size and content. */
function inputsFingerprint(): string {
  const hash = createHash('sha256');
  const files = [
    'package.json',
    'package-lock.json',
    'tsconfig.json',
    ...['lambdas', 'lib', 'bin'].flatMap((folder) => listFiles(join(ROOT, folder))),
  ];
  for (const file of files.sort()) {
    const path = join(ROOT, file);
    hash.update(file).update(readFileSync(path));
  }
  return hash.digest('hex');
}

function listFiles(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .map((file) => join(folder, file))
    .filter((path) => statSync(path).isFile())
    .map((path) => relative(ROOT, path));
}

main().catch((error: unknown) => {
  process.stderr.write(`build: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
