/** Drawing a mixture resolves a new spec per edit; the registry must neither list them nor keep them all. */
import { describe, expect, it } from 'vitest';
import { WorldRegistry } from '../../src/worlds/registry';
import type { GmmSpec } from '../../src/worlds/gmm';

const spec = (x: number): GmmSpec => ({
  type: 'gmm',
  means: [
    [x, 0],
    [0, 1],
  ],
  stds: [0.3, 0.5],
  weights: [1, 2],
});

describe('custom mixtures in the world registry', () => {
  it('1000 edits leave the listing unchanged and hold a bounded number of worlds', () => {
    const registry = new WorldRegistry();
    const listed = registry.list().length;
    const held = registry.all().length;
    for (let i = 0; i < 1000; i++) registry.resolve(spec(i / 100));
    expect(registry.list().length).toBe(listed);
    expect(registry.all().length).toBeLessThanOrEqual(held + 4);
    expect(registry.list().some((w) => w.label === 'Custom mixture')).toBe(false);
  });

  it('the same drawing resolves to the same world while it is recent', () => {
    const registry = new WorldRegistry();
    const a = registry.resolve(spec(1));
    for (let i = 0; i < 3; i++) registry.resolve(spec(2 + i));
    expect(registry.resolve(spec(1))).toBe(a);
    expect(registry.resolve(spec(1)).id).toBe(a.id);
  });
});
