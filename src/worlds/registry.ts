/**
 * Resolves a world argument (a preset id or a mixture spec) to a World, caching GPU denoisers per device. The 2D
 * presets are built in; image worlds come from a world index (public/models/index.json) and load their models lazily.
 */
import type { GpuResources } from '../gpu/context';
import { gmmDenoiser, gmmLogDensity, gmmSample, validateGmm, type GmmSpec } from './gmm';
import { createGmmDenoiser } from './gmm-gpu';
import { GMM_PRESETS } from './gmm-presets';
import { imageWorld } from './unet/image-world';
import type { WorldIndex } from './world-index';
import type { GpuDenoiser } from '../sampling/denoiser';
import type { World, WorldInfo } from './types';

export type WorldArg = string | GmmSpec;

const CUSTOM_PREFIX = 'gmm:custom:';
const MAX_CUSTOM_WORLDS = 4;
const isCustomId = (id: string) => id.startsWith(CUSTOM_PREFIX);

function gmmWorld(id: string, label: string, description: string, spec: GmmSpec): World {
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

/** A world index and the URL it was read from: its folders resolve against that URL. */
export interface ImageWorldSource {
  index: WorldIndex;
  url: string;
}

export class WorldRegistry {
  private readonly worlds = new Map<string, World>();

  constructor(images?: ImageWorldSource) {
    for (const p of GMM_PRESETS) this.worlds.set(p.id, gmmWorld(p.id, p.label, p.description, p.spec()));
    for (const entry of images?.index.worlds ?? []) {
      if (this.worlds.has(entry.id)) throw new Error(`${images!.url}: world ${entry.id} is listed twice`);
      this.worlds.set(
        entry.id,
        imageWorld(entry, (folder) => new URL(`${folder}/`, images!.url).href),
      );
    }
  }

  /** The named worlds. A drawn mixture is an argument, not a world one picks: listing each one would add a picker
   *  entry per edit of a drawing. */
  list(): WorldInfo[] {
    return [...this.worlds.values()]
      .filter((w) => !isCustomId(w.id))
      .map(({ id, label, kind, dim, description, image }) => ({
        id,
        label,
        kind,
        dim,
        description,
        ...(image ? { image } : {}),
      }));
  }

  /** Every world, in listing order. */
  all(): World[] {
    return [...this.worlds.values()];
  }

  register(world: World): void {
    this.worlds.set(world.id, world);
  }

  /** A preset id, a registered world id, or a user mixture (validated; its id is derived from its content). */
  resolve(arg: WorldArg, field = 'world'): World {
    if (typeof arg === 'string') {
      const world = this.worlds.get(arg);
      if (!world)
        throw new RangeError(
          `${field}: unknown world "${String(arg).slice(0, 64)}"; known: ${[...this.worlds.keys()].join(', ')}, or { type: 'gmm', means, stds, weights }`,
        );
      return world;
    }
    if (!arg || typeof arg !== 'object' || arg.type !== 'gmm')
      throw new RangeError(`${field}: must be a world id or { type: 'gmm', means, stds, weights }`);
    validateGmm(arg, field);
    const id = `${CUSTOM_PREFIX}${JSON.stringify([arg.means, arg.stds, arg.weights])}`;
    let world = this.worlds.get(id);
    if (world) {
      // Most recently used last, so eviction drops the oldest edit.
      this.worlds.delete(id);
      this.worlds.set(id, world);
    } else {
      this.evictOldCustomWorlds();
      world = gmmWorld(id, 'Custom mixture', `${arg.means.length} components`, {
        type: 'gmm',
        means: arg.means.map((m) => [...m]),
        stds: [...arg.stds],
        weights: [...arg.weights],
      });
      this.worlds.set(id, world);
    }
    return world;
  }

  /** Dragging a component makes a new mixture per frame; keep only the few most recent ones (the page compares one
   *  drawing at a time, and a run still under way holds its own World). */
  private evictOldCustomWorlds(keep = MAX_CUSTOM_WORLDS): void {
    const custom = [...this.worlds.keys()].filter(isCustomId);
    for (const key of custom.slice(0, Math.max(0, custom.length - keep + 1))) this.worlds.delete(key);
  }
}
