/** A world's own starting CFG scale (its manifest's default_cfg, public/models/index.json): the emoji world starts at
 *  2, Fashion-MNIST at 1. The index checks it; the page's runs, its URL and infotext, and the API all start there,
 *  and a scale the user sets is kept. */
import { describe, expect, it } from 'vitest';
import { CFG_OPTION } from '../../src/guidance/cfg-options';
import { resolveCfg } from '../../src/api/image-options';
import { toInfotext } from '../../src/state/infotext';
import { defaultState, type SandboxState } from '../../src/state/params';
import { stateFromHash, stateToHash } from '../../src/state/url';
import { panelRequest } from '../../src/ui/runs/run-request';
import { checkWorldIndex } from '../../src/worlds/world-index';
import { WorldRegistry } from '../../src/worlds/registry';
import { shippedWorlds } from '../reference/shipped-worlds';
import { SAMPLERS } from '../../src/sampling/samplers';
import { CORE_SAMPLERS, WORLDS } from './state-random-state';
import { readFileSync } from 'node:fs';

const index = JSON.parse(readFileSync('public/models/index.json', 'utf8'));
const emojiState = (fields: Partial<SandboxState> = {}): SandboxState => ({
  ...defaultState(),
  world: 'emoji',
  count: 4,
  panels: [{ sampler: 'heun', steps: 18, schedule: 'karras', eta: 0 }],
  ...fields,
});

describe("a world's default CFG scale", () => {
  it('the shipped index: emoji starts at 2, the Fashion-MNIST worlds at 1', () => {
    const byId = Object.fromEntries(WORLDS.map((w) => [w.id, w.image?.defaultCfg ?? CFG_OPTION.default]));
    expect(byId.emoji).toBe(2);
    expect([byId.fmnist, byId['fmnist-2rf']]).toEqual([1, 1]);
  });

  it('the index refuses a negative or non-numeric default_cfg, naming the field', () => {
    for (const bad of [-1, 'two', Number.NaN]) {
      const worlds = index.worlds.map((w: object, k: number) => (k === 0 ? { ...w, default_cfg: bad } : w));
      expect(() => checkWorldIndex({ ...index, worlds })).toThrow(
        /worlds\[0\]\.default_cfg must be absent or a non-negative number/,
      );
    }
  });

  it("a panel runs with the world's scale unless the user set another; the link carries only a changed scale", () => {
    const request = (s: SandboxState) => panelRequest(s, 0, SAMPLERS, WORLDS);
    expect(request(emojiState()).cfg).toBe(2);
    expect(request(emojiState({ world: 'fmnist' })).cfg).toBe(1);
    expect(request(emojiState({ cfg: 1 })).cfg).toBe(1);
    expect(stateToHash(emojiState())).not.toMatch(/cfg=/);
    const set = stateFromHash(stateToHash(emojiState({ cfg: 1 })), WORLDS, CORE_SAMPLERS).state;
    expect(request(set).cfg).toBe(1);
    const emoji = WORLDS.find((w) => w.id === 'emoji')!.image!;
    expect(toInfotext(emojiState(), 0, { nfe: 35, image: emoji })).toMatch(/CFG scale: 2\b/);
  });

  it("the API's sample and denoise start from the world's scale", () => {
    const registry = new WorldRegistry(shippedWorlds());
    expect(resolveCfg(registry.resolve('emoji'), undefined)).toBe(2);
    expect(resolveCfg(registry.resolve('fmnist'), undefined)).toBe(1);
    expect(resolveCfg(registry.resolve('emoji'), 1.5)).toBe(1.5);
  });
});
