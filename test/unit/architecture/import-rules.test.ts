/**
 * The layering docs/architecture.md describes, checked on the real tree: every import under
 * lambdas/, lib/ and bin/ is parsed (type-only imports and re-exports included, with TypeScript's
 * own pre-processor) and resolved to a file, and the test fails on an edge the rules forbid, on an
 * import cycle inside lambdas/, and on a module of lambdas/ the document does not name.
 *
 *   lambdas/core  ←  lambdas/authorizer, lambdas/revoke, lambdas/flusher  ←  lib  ←  bin      (tests: anything)
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const SOURCE_ROOTS = ['lambdas', 'lib', 'bin'] as const;
const SOURCE_FILE = /\.(ts|mts|mjs)$/;

/** The folders the rules know; a file elsewhere under lambdas/ needs a rule (and a line in the document). */
const LAYERS = ['lambdas/core', 'lambdas/authorizer', 'lambdas/revoke', 'lambdas/flusher', 'lib', 'bin'] as const;
type Layer = (typeof LAYERS)[number];

/** What each layer may import, itself included. */
const MAY_IMPORT: Readonly<Record<Layer, readonly Layer[]>> = {
  'lambdas/core': ['lambdas/core'],
  'lambdas/authorizer': ['lambdas/core', 'lambdas/authorizer'],
  'lambdas/revoke': ['lambdas/core', 'lambdas/revoke'],
  'lambdas/flusher': ['lambdas/core', 'lambdas/flusher'],
  lib: ['lambdas/core', 'lambdas/authorizer', 'lambdas/revoke', 'lambdas/flusher', 'lib'],
  bin: ['lambdas/core', 'lambdas/authorizer', 'lambdas/revoke', 'lambdas/flusher', 'lib', 'bin'],
};

/** Packages the Lambda bundles must never contain: synth-time code has no business at request time. */
const NOT_IN_LAMBDAS = ['aws-cdk-lib', 'aws-cdk', 'constructs', 'cdk-nag'];

interface Edge {
  readonly from: string;
  readonly to: string;
}

function layerOf(file: string): Layer | undefined {
  return LAYERS.find((layer) => file === layer || file.startsWith(`${layer}/`));
}

/** Why this import breaks the rules, or `undefined` when it does not. Paths are relative to the repository. */
function forbiddenEdge(edge: Edge): string | undefined {
  const from = layerOf(edge.from);
  if (!from) return `${edge.from} is in no layer: add its folder to docs/architecture.md and to this test's rules`;
  const to = layerOf(edge.to);
  if (!to) return `${edge.from} imports ${edge.to}, outside lambdas/, lib/ and bin/`;
  if (!MAY_IMPORT[from].includes(to)) return `${from} may not import ${to}: ${edge.from} → ${edge.to}`;
  return undefined;
}

/** Every cycle of the graph, each as the files along it (first file repeated at the end). */
function cyclesOf(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): void => {
    state.set(node, 'open');
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') cycles.push([...path.slice(path.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(node, 'done');
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return cycles;
}

function sourceFiles(folder: string): string[] {
  const absolute = join(ROOT, folder);
  if (!existsSync(absolute)) return [];
  return readdirSync(absolute).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(join(ROOT, path)).isDirectory()) return sourceFiles(path);
    return SOURCE_FILE.test(name) ? [path] : [];
  });
}

/** The repository path a relative specifier names, or `undefined` when no file answers to it. */
function resolveSpecifier(from: string, specifier: string): string | undefined {
  const base = resolve(ROOT, dirname(from), specifier);
  const candidates = [base, `${base}.ts`, `${base}.mts`, `${base}.mjs`, join(base, 'index.ts'), base.replace(/\.js$/, '.ts')];
  const found = candidates.find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
  return found === undefined ? undefined : relative(ROOT, found);
}

interface ParsedTree {
  readonly files: readonly string[];
  readonly edges: readonly Edge[];
  readonly packages: ReadonlyArray<{ readonly from: string; readonly name: string }>;
  readonly unresolved: readonly string[];
}

function parseTree(): ParsedTree {
  const files = SOURCE_ROOTS.flatMap(sourceFiles).map((file) => file.split('\\').join('/'));
  const edges: Edge[] = [];
  const packages: Array<{ from: string; name: string }> = [];
  const unresolved: string[] = [];
  for (const from of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(join(ROOT, from), 'utf8'), true, true);
    for (const { fileName: specifier } of importedFiles) {
      if (!specifier.startsWith('.')) {
        packages.push({ from, name: specifier });
        continue;
      }
      const to = resolveSpecifier(from, specifier);
      if (to === undefined) unresolved.push(`${from} → ${specifier}`);
      else edges.push({ from, to: to.split('\\').join('/') });
    }
  }
  return { files, edges, packages, unresolved };
}

describe('import rules', () => {
  describe('the rules themselves', () => {
    it.each([
      { from: 'lambdas/core/claims.ts', to: 'lambdas/authorizer/grants.ts', allowed: false },
      { from: 'lambdas/core/claims.ts', to: 'lambdas/revoke/config.ts', allowed: false },
      { from: 'lambdas/core/claims.ts', to: 'lib/index.ts', allowed: false },
      { from: 'lambdas/authorizer/handler.ts', to: 'lambdas/revoke/handler.ts', allowed: false },
      { from: 'lambdas/revoke/handler.ts', to: 'lambdas/authorizer/decision-log.ts', allowed: false },
      { from: 'lambdas/authorizer/handler.ts', to: 'bin/app.ts', allowed: false },
      { from: 'lib/index.ts', to: 'bin/app.ts', allowed: false },
      { from: 'lib/index.ts', to: 'test/helpers/keys.ts', allowed: false },
      { from: 'lambdas/new-lambda/handler.ts', to: 'lambdas/core/claims.ts', allowed: false },
      { from: 'lambdas/authorizer/handler.ts', to: 'lambdas/core/claims.ts', allowed: true },
      { from: 'lambdas/revoke/handler.ts', to: 'lambdas/core/claims.ts', allowed: true },
      { from: 'lib/tollbooth-authorizer.ts', to: 'lambdas/revoke/config.ts', allowed: true },
      { from: 'bin/local/local-stack.ts', to: 'lambdas/authorizer/handler.ts', allowed: true },
      { from: 'bin/app.ts', to: 'lib/index.ts', allowed: true },
    ])('$from → $to: allowed $allowed', ({ from, to, allowed }) => {
      // Act / Assert
      expect(forbiddenEdge({ from, to }) === undefined).toBe(allowed);
    });

    it('finds a cycle of any length, and none in a tree', () => {
      // Prepare
      const cyclic = new Map([
        ['a', ['b']],
        ['b', ['c']],
        ['c', ['a']],
        ['d', ['a']],
      ]);
      const acyclic = new Map([
        ['a', ['b', 'c']],
        ['b', ['c']],
        ['c', []],
      ]);
      // Act / Assert
      expect(cyclesOf(cyclic)).toEqual([['a', 'b', 'c', 'a']]);
      expect(cyclesOf(acyclic)).toEqual([]);
    });
  });

  describe('the tree', () => {
    const tree = parseTree();

    it('finds the files and imports it checks', () => {
      // Assert: a parser that saw nothing would pass every rule below
      expect(tree.files.filter((file) => file.startsWith('lambdas/')).length).toBeGreaterThan(30);
      expect(tree.edges.length).toBeGreaterThan(100);
      expect(tree.unresolved).toEqual([]);
    });

    it('has no import the layering forbids', () => {
      // Act
      const violations = tree.edges.map(forbiddenEdge).filter((violation) => violation !== undefined);
      // Assert
      expect(violations).toEqual([]);
    });

    it('has no import cycle inside lambdas/', () => {
      // Prepare
      const graph = new Map<string, string[]>();
      for (const file of tree.files) if (file.startsWith('lambdas/')) graph.set(file, []);
      for (const { from, to } of tree.edges) if (from.startsWith('lambdas/') && to.startsWith('lambdas/')) graph.get(from)?.push(to);
      // Act
      const cycles = cyclesOf(graph).map((cycle) => cycle.join(' → '));
      // Assert
      expect(cycles).toEqual([]);
    });

    it('keeps synth-time packages out of lambdas/', () => {
      // Act
      const leaks = tree.packages
        .filter(({ from, name }) => from.startsWith('lambdas/') && NOT_IN_LAMBDAS.some((pkg) => name === pkg || name.startsWith(`${pkg}/`)))
        .map(({ from, name }) => `${from} → ${name}`);
      // Assert
      expect(leaks).toEqual([]);
    });

    it('names every module of lambdas/ in docs/architecture.md', () => {
      // Prepare
      const document = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');
      // Act
      const unnamed = tree.files.filter(
        (file) => file.startsWith('lambdas/') && !document.includes(`\`${file.slice('lambdas/'.length)}\``),
      );
      // Assert
      expect(unnamed).toEqual([]);
    });
  });
});
