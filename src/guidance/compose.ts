/**
 * A run's denoiser: the world's own denoiser at the run's image side, wrapped in the guidance the run asks for
 * (k-diffusion's habit: `CFGDenoiser` around the model, the sampler never knowing). Upsample Guidance (Hwang et al.
 * 2024) steers the m× network with the native one; classifier-free guidance (Ho & Salimans 2022) wraps outside it,
 * so each branch, conditional and null, is upsample-guided before the two are mixed. m = 4 guides straight from the
 * native side at σ/4 (not in two stages through 2×): only the native network was trained at its resolution, and a
 * 2× stage would itself be an unguided output whose artefacts the next stage would copy.
 *
 * Wrappers are cached per device on their key() alone, which composes the inner denoisers' keys, so no option is
 * listed by hand here: two runs share a wrapper exactly when they would compute the same function.
 */
import type { GpuResources } from '../gpu/context';
import type { GpuDenoiser } from '../sampling/denoiser';
import type { World } from '../worlds/types';
import type { SkipTuning } from '../worlds/unet/skip-tuning';
import { cfgKey, classifierFreeGuidance } from './cfg';
import { upsampleGuidance, upsampleGuidanceKey } from './upsample';

/** The per-run choices a denoiser depends on (image worlds): the side, the CFG scale, Upsample Guidance. */
export interface GuidanceOptions {
  size?: number;
  cfg?: number;
  /** Above the native side: weight w and the guided fraction η. */
  upsampleGuidance?: { weight: number; eta: number };
  /** Skip-Tuning's ρ (Ma et al. 2024): a change of the network itself, so every branch gets it — both CFG branches
   *  and Upsample Guidance's native-size one (keys compose, so each ρ has its own wrappers). */
  skipTuning?: SkipTuning;
}

/** Wrappers kept per device (a CFG or UG slider creates one per value it visits). */
const MAX_WRAPPERS = 8;

export class GuidedDenoisers {
  private readonly devices = new WeakMap<GpuResources, Map<string, Promise<GpuDenoiser>>>();

  /** The world's denoiser for a run, wrapped as `options` ask. */
  async denoiser(
    gpu: GpuResources,
    world: Pick<World, 'gpuDenoiser' | 'image'>,
    options: GuidanceOptions = {},
  ): Promise<GpuDenoiser> {
    const native = world.image?.size;
    const size = options.size ?? native;
    const cfg = options.cfg ?? 1;
    const ug = native !== undefined && size !== undefined && size > native ? options.upsampleGuidance : undefined;
    const network = { skipTuning: options.skipTuning };
    let denoiser = await world.gpuDenoiser(gpu, size, network);
    if (ug) {
      const high = denoiser;
      const low = await world.gpuDenoiser(gpu, native, network);
      const settings = { factor: size! / native!, weight: ug.weight, eta: ug.eta };
      const key = upsampleGuidanceKey(settings, high.key(), low.key());
      denoiser = await this.cached(gpu, key, () => upsampleGuidance(gpu, high, low, size!, settings));
    }
    if (cfg !== 1) {
      const inner = denoiser;
      denoiser = await this.cached(gpu, cfgKey(cfg, inner.key()), () => classifierFreeGuidance(gpu, inner, cfg));
    }
    return denoiser;
  }

  private cached(gpu: GpuResources, key: string, make: () => Promise<GpuDenoiser>): Promise<GpuDenoiser> {
    let wrappers = this.devices.get(gpu);
    if (!wrappers) this.devices.set(gpu, (wrappers = new Map()));
    let wrapper = wrappers.get(key);
    if (wrapper) {
      // Most recently used last, so the oldest goes first.
      wrappers.delete(key);
    } else {
      wrapper = make();
      const own = wrappers;
      wrapper.catch(() => own.delete(key));
      // Dropped, not destroyed: a run in flight may still record with it (its few buffers go with the GC).
      if (wrappers.size >= MAX_WRAPPERS) wrappers.delete(wrappers.keys().next().value!);
    }
    wrappers.set(key, wrapper);
    return wrapper;
  }
}
