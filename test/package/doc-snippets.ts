/**
 * The TypeScript snippets of README.md and docs/: every ```ts block is a complete module that a
 * user could paste into a file of their CDK app, so the suite compiles each one against the
 * installed package (and synthesizes the ones that are apps). Docs cannot rot that way.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface DocSnippet {
  /** `README.md#2`, `docs/attach.md#1`: where it is, for test names. */
  readonly name: string;
  /** A file name for it: `README-2.ts`. */
  readonly fileName: string;
  readonly code: string;
  /** It builds a CDK app (`new App(`), so it can be synthesized. */
  readonly isApp: boolean;
}

const FENCE = /^```(?:ts|typescript)\s*\n([\s\S]*?)^```\s*$/gm;

/** Every TypeScript snippet of the README and of each page under docs/. */
export function docSnippets(root: string): DocSnippet[] {
  const docs = ['README.md', ...markdownFiles(join(root, 'docs')).map((path) => relative(root, path))];
  return docs.flatMap((doc) =>
    [...readFileSync(join(root, doc), 'utf8').matchAll(FENCE)].map((match, index) => {
      const code = match[1] ?? '';
      return {
        name: `${doc}#${index + 1}`,
        fileName: `${doc.replace(/\.md$/, '').replaceAll('/', '-')}-${index + 1}.ts`,
        code,
        isApp: /new (?:cdk\.)?App\(/.test(code),
      };
    }),
  );
}

/**
 * Writes the snippets into a folder of a user's app (beside its node_modules) as a TypeScript
 * project of their own: the app's strict settings, as CommonJS or as ES modules (a package.json
 * with "type": "module" makes TypeScript treat them so). `tsc -p <folder>` then compiles them.
 */
export function writeSnippetProject(directory: string, snippets: readonly DocSnippet[], packageType: 'commonjs' | 'module'): void {
  mkdirSync(directory, { recursive: true });
  for (const snippet of snippets) writeFileSync(join(directory, snippet.fileName), snippet.code);
  writeFileSync(join(directory, 'package.json'), JSON.stringify({ type: packageType }));
  writeFileSync(
    join(directory, 'tsconfig.json'),
    JSON.stringify({ extends: '../tsconfig.json', include: ['*.ts'], compilerOptions: { noUnusedLocals: true } }),
  );
}

function markdownFiles(folder: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(folder, { recursive: true, encoding: 'utf8' });
  } catch {
    return [];
  }
  return entries.filter((entry) => entry.endsWith('.md')).map((entry) => join(folder, entry));
}
