/**
 * The peer ranges users install against, the versions the floor test installs, and what the docs
 * promise must be one and the same: a raised floor in lib/ shows up as a failing floor test, a
 * lowered range without a floor test cannot happen.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PEER_FLOORS } from '../../package/peer-floors';

interface Manifest {
  readonly peerDependencies: Record<string, string>;
  readonly devDependencies: Record<string, string>;
}

const REPOSITORY_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const manifest = JSON.parse(readFileSync(join(REPOSITORY_ROOT, 'package.json'), 'utf8')) as Manifest;

describe('the peer dependencies', () => {
  it('are exactly the ones the floor test installs', () => {
    expect(Object.keys(manifest.peerDependencies).sort()).toEqual(Object.keys(PEER_FLOORS).sort());
  });

  it.each(Object.entries(PEER_FLOORS))('declare %s from the version the floor test installs (%s), up to the next major', (name, floor) => {
    expect(manifest.peerDependencies[name]).toBe(`^${floor}`);
  });

  it.each(Object.entries(PEER_FLOORS))('keep the version %s is developed with inside the range', (name, floor) => {
    const [floorMajor, ...floorRest] = floor.split('.').map(Number);
    const [devMajor, ...devRest] = (manifest.devDependencies[name] ?? '').split('.').map(Number);
    expect(devMajor).toBe(floorMajor);
    expect(compare(devRest, floorRest)).toBeGreaterThanOrEqual(0);
  });

  it('are what docs/attach.md and the README say is supported', () => {
    const floor = PEER_FLOORS['aws-cdk-lib'];
    expect(readFileSync(join(REPOSITORY_ROOT, 'docs', 'attach.md'), 'utf8')).toContain(`**aws-cdk-lib ${floor}** on`);
    expect(readFileSync(join(REPOSITORY_ROOT, 'README.md'), 'utf8')).toContain(`\`aws-cdk-lib\` (${floor} or later`);
  });
});

/** Compares [minor, patch] pairs numerically. */
function compare(left: readonly number[], right: readonly number[]): number {
  for (let index = 0; index < Math.max(left.length, right.length); index += 1) {
    const difference = (left[index] ?? 0) - (right[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}
