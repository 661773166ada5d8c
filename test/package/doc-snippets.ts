/**
 * The TypeScript snippets of README.md and docs/: every ```ts block is a complete module that a
 * user could paste into a file of their CDK app, so the suite compiles each one against the
 * installed package (and synthesizes the ones that are apps). Docs cannot rot that way.
 */
import { readdirSync, readFileSync } from 'node:fs';
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

function markdownFiles(folder: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(folder, { recursive: true, encoding: 'utf8' });
  } catch {
    return [];
  }
  return entries.filter((entry) => entry.endsWith('.md')).map((entry) => join(folder, entry));
}
