/** Panel titles name what sets a panel apart; the story captions show only over the set they describe. */
import { describe, expect, it } from 'vitest';
import { SAMPLERS } from '../../src/sampling/samplers';
import { defaultState, type SandboxState } from '../../src/state/params';
import { firstLoadState, storyCaption, storyPanels } from '../../src/state/stories';
import { panelTitle, shortSamplerName } from '../../src/ui/panel-title';
import type { WorldInfo } from '../../src/worlds/types';

const worlds: WorldInfo[] = [
  { id: 'gmm:ring8', label: 'Ring of 8', kind: '2d', dim: 2, description: '' },
  {
    id: 'img',
    label: 'Images',
    kind: 'image',
    dim: 784,
    description: '',
    image: { size: 28, maxSize: 112, classes: ['a', 'b'], nullClass: 2, channels: 1 } as WorldInfo['image'],
  },
];
const samplers = SAMPLERS.map((s) => ({ ...s, options: s.options ?? [] })) as never;
const titles = (s: SandboxState) => s.panels.map((_, i) => panelTitle(s, i, samplers, worlds).short);

describe('panel titles', () => {
  it('short names keep a name whole and drop a spaced detail', () => {
    expect(shortSamplerName('η-SDE (Euler–Maruyama)')).toBe('η-SDE');
    expect(shortSamplerName('DPM++(2M)')).toBe('DPM++(2M)');
  });

  it('name the reflow member where panels differ in it, and the upscale mode above the native size', () => {
    const reflow: SandboxState = {
      ...defaultState(),
      panels: [
        { sampler: 'reflow', steps: 1, schedule: 'linear_t', eta: 0 },
        { sampler: 'reflow', steps: 1, schedule: 'linear_t', eta: 0, world: 'gmm:ring8:2rf' },
      ],
    };
    expect(titles(reflow)).toEqual(['ReFlow 1 · 1-RF', 'ReFlow 1 · 2-RF']);
    const ug: SandboxState = {
      ...defaultState(),
      world: 'img',
      size: 56,
      panels: [
        { sampler: 'euler', steps: 10, schedule: 'karras', eta: 0, upscale: 'naive' },
        { sampler: 'euler', steps: 10, schedule: 'karras', eta: 0 },
      ],
    };
    expect(titles(ug)).toEqual(['Euler 10 · naive ×2', 'Euler 10 · UG ×2']);
    expect(titles({ ...ug, size: undefined })).toEqual(['Euler 10', 'Euler 10']);
  });
});

describe('story captions', () => {
  it('show over their own set only, and the 2D one only on the world it was measured on', () => {
    const first = firstLoadState();
    expect(storyCaption('2d', first.world, first.panels)).toContain('AMED');
    expect(storyCaption('2d', 'gmm:moons', first.panels)).toBe('');
    expect(storyCaption('2d', first.world, first.panels.slice(1))).toBe('');
    expect(storyCaption('image', 'img', storyPanels('image'))).toContain('10 network evaluations');
    expect(storyCaption('image', 'img', first.panels)).toBe('');
  });
});
