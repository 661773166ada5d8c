/**
 * Every configuration document the docs show in a ```json block — pasted into `tollbooth.json`
 * for `npm start -- --config`, a serverless-offline folder or `TOLLBOOTH_CONFIG` — is one the
 * authorizer's parser accepts. A block holding only a part (`{ "resultsCache": … }`, issuers without
 * routes) is checked over the smallest complete document, as the page means it to be added to one;
 * the table name stands for what `npm start` and the construct supply (TOLLBOOTH_REVOCATION_TABLE).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../../lambdas/core/config/config';
import { isRecord } from '../../../../lambdas/core/guards';

const ROOT = join(import.meta.dirname, '..', '..', '..', '..');

/** The smallest document the parser takes: what a partial block is added to. */
const BASE = {
  issuers: [{ type: 'oidc', issuer: 'https://idp.example.com', audience: ['https://api.example.com'] }],
  routes: { 'orders:read': ['GET /orders'] },
  revocation: { tableName: 'tollbooth-revocations' },
};

/** Every ```json block of README.md and docs/*.md that reads as a configuration (or a part of one). */
function documentedConfigs(): Array<{ where: string; document: Record<string, unknown> }> {
  const pages = ['README.md', ...readdirSync(join(ROOT, 'docs')).map((name) => join('docs', name))].filter((page) => page.endsWith('.md'));
  return pages.flatMap((page) =>
    [...readFileSync(join(ROOT, page), 'utf8').matchAll(/^```json\s*\n([\s\S]*?)^```\s*$/gm)].flatMap((match, index) => {
      const parsed: unknown = JSON.parse(match[1] ?? '');
      return isRecord(parsed) ? [{ where: `${page} json block ${index + 1}`, document: parsed }] : [];
    }),
  );
}

describe('the configuration documents the docs show', () => {
  const documents = documentedConfigs();

  it('are found (the configuration page shows at least one whole document)', () => {
    expect(documents.some(({ where, document }) => where.startsWith('docs/configuration.md') && 'issuers' in document)).toBe(true);
  });

  it.each(documents)('$where is accepted by the authorizer’s parser', ({ document }) => {
    // Act
    const parse = (): unknown => parseConfig({ ...BASE, ...document });
    // Assert
    expect(parse).not.toThrow();
  });
});
