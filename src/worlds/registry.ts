/** Resolves a world argument (a preset id or a mixture spec) to a World, caching GPU denoisers per device. */
import type { GpuResources } from '../gpu/context';
import { gmmDenoiser, gmmLogDensity, gmmSample, validateGmm, type GmmSpec } from './gmm';
import { createGmmDenoiser } from './gmm-gpu';
import { GMM_PRESETS } from './gmm-presets';
import { FMNIST_MODELS, fmnistWorld } from './unet/fmnist-world';
import type { GpuDenoiser } from '../sampling/denoiser';
import type { World, WorldInfo } from './types';

export type WorldArg = string | GmmSpec;

export function gmmWorld(id: string, label: string, description: string, spec: GmmSpec): World {
  const denoisers = new WeakMap<GpuResources, Promise<GpuDenoiser>>();
  return {
    id,
    label,
    description,
    kind: '2d',
    dim: 2,
    spec,
    exact: {
      cpu: gmmDenoiser(spec),
      logDensity: (x, count) => gmmLogDensity(spec, x, count),
      sampleTarget: (count, seed) => gmmSample(spec, count, seed),
    },
    gpuDenoiser(gpu) {
      let d = denoisers.get(gpu);
      if (!d) denoisers.set(gpu, (d = createGmmDenoiser(gpu, spec)));
      return d;
    },
  };
}

export class WorldRegistry {
  private readonly worlds = new Map<string, World>();

  constructor() {
    for (const p of GMM_PRESETS) this.worlds.set(p.id, gmmWorld(p.id, p.label, p.description, p.spec()));
    // Weights load on first use, relative to the page (vite's BASE_URL is './' in a build), so dist/ works anywhere.
    for (const model of FMNIST_MODELS) {
      const world = fmnistWorld({ ...model, modelUrl: () => new URL(`${import.meta.env.BASE_URL}models/${model.id}/`, document.baseURI).href });
      this.worlds.set(world.id, world);
    }
  }

  list(): WorldInfo[] {
    return [...this.worlds.values()].map(({ id, label, kind, dim, description, image }) => ({ id, label, kind, dim, description, ...(image ? { image } : {}) }));
  }

  register(world: World): void {
    this.worlds.set(world.id, world);
  }

  /** A preset id, a registered world id, or a user mixture (validated; its id is derived from its content). */
  resolve(arg: WorldArg, field = 'world'): World {
    if (typeof arg === 'string') {
      const world = this.worlds.get(arg);
      if (!world) throw new RangeError(`${field}: unknown world "${String(arg).slice(0, 64)}"; known: ${[...this.worlds.keys()].join(', ')}, or { type: 'gmm', means, stds, weights }`);
      return world;
    }
    if (!arg || typeof arg !== 'object' || arg.type !== 'gmm') throw new RangeError(`${field}: must be a world id or { type: 'gmm', means, stds, weights }`);
    validateGmm(arg, field);
    const id = `gmm:custom:${JSON.stringify([arg.means, arg.stds, arg.weights])}`;
    let world = this.worlds.get(id);
    if (!world) {
      this.evictOldCustomWorlds();
      world = gmmWorld(id, 'Custom mixture', `${arg.means.length} components`, { type: 'gmm', means: arg.means.map((m) => [...m]), stds: [...arg.stds], weights: [...arg.weights] });
      this.worlds.set(id, world);
    }
    return world;
  }

  /** Dragging a component makes a new mixture per frame; keep only the most recent ones. */
  private evictOldCustomWorlds(keep = 16): void {
    const custom = [...this.worlds.keys()].filter((k) => k.startsWith('gmm:custom:'));
    for (const key of custom.slice(0, Math.max(0, custom.length - keep + 1))) this.worlds.delete(key);
  }
}
