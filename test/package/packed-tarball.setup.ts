/**
 * Packs the package once for the whole package project — `npm pack`, which builds `dist/` first when
 * it is stale — and hands the tarball to every test file through `inject('tarball')`. Once, because
 * two files packing at the same time would each rebuild `dist/` under the other.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { REPOSITORY_ROOT } from '../../bin/local/bundle-cache';
import { run } from './user-app';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Absolute path of the packed `tollbooth-x.y.z.tgz`. */
    tarball: string;
  }
}

export default async function packOnce(project: TestProject): Promise<() => void> {
  const folder = mkdtempSync(join(tmpdir(), 'tollbooth-tarball-'));
  const packed = JSON.parse((await run('npm', ['pack', '--json', '--pack-destination', folder], REPOSITORY_ROOT)).stdout) as Array<{
    filename: string;
  }>;
  project.provide('tarball', join(folder, packed[0]?.filename ?? 'missing.tgz'));
  return () => rmSync(folder, { recursive: true, force: true });
}
