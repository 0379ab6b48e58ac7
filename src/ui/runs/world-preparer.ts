/**
 * Gets a world ready before anything runs on it: an image world's weights downloaded (with
 * progress), a 2D reflow level made by live reflow, its parent levels first (Liu et al. 2023, Alg. 1: k-RF is
 * made from (k−1)-RF). The classifier
 * that judges image panels downloads here too, with the same progress display. A live reflow is
 * deterministic (the engine's default pairs, teacher and seed), so a link naming `gmm:moons:3rf` gets the same world
 * its author saw. Each preparation runs once and is shared by everyone waiting for it; a failed one may be retried,
 * and a reflow that no one waits for any more (its panels were stopped or moved on) is stopped, to be made again
 * when it is next asked for.
 *
 * @fires change - progress moved, or a preparation finished or failed
 */
import type { Sandbox } from '../../api/sandbox';
import type { ReflowResult } from '../../api/reflow';
import { CancelledError } from '../../gpu/errors';
import { PrepareMemo } from '../../sampling/prepare';
import { isRecreatableReflow, liveReflowId, reflowLabel, reflowLevel } from '../../state/reflow-family';
import type { GmmSpec } from '../../worlds/gmm';

export interface Preparation {
  /** What is happening, e.g. "Loading <world> weights" or "Reflowing Ring of 8 → 2-RF (pairs)". */
  label: string;
  /** 0–1. */
  fraction: number;
}

type Engine = Pick<Sandbox, 'worlds' | 'loadWorld' | 'reflow' | 'loadClassifier'>;

export class WorldPreparer extends EventTarget {
  private readonly preparations = new PrepareMemo();
  private readonly running = new Map<string, Preparation>();
  private readonly loaded = new Set<string>();
  /** Straightness before and after, per reflowed world made on this page. */
  readonly reflows = new Map<string, ReflowResult>();

  constructor(private readonly engine: Engine) {
    super();
  }

  /** The preparations under way (usually none or one). */
  get current(): Preparation[] {
    return [...this.running.values()];
  }

  /** Resolves once `world` can be sampled. Worlds that need nothing (2D presets, drawn mixtures) resolve at once;
   *  an unknown id resolves too, and `sample` then says what is wrong with it. Aborting `signal` withdraws this
   *  caller; a reflow stops when its last caller has withdrawn. */
  ready(world: string | GmmSpec, signal?: AbortSignal): Promise<void> {
    if (typeof world !== 'string') return Promise.resolve();
    const info = this.engine.worlds.find((w) => w.id === world);
    // Weights keep loading for whoever asks next; only this caller stops waiting.
    if (info?.kind === 'image')
      return until(
        this.once(world, () => this.load(world, info.label)),
        signal,
      );
    if (!info && isRecreatableReflow(world, this.engine.worlds)) {
      const { base, level } = reflowLevel(world);
      const parent = liveReflowId(base, level - 1);
      return this.once(
        world,
        async (shared) => {
          await this.ready(parent, shared);
          await this.runReflow(parent, shared);
        },
        signal,
      );
    }
    return Promise.resolve();
  }

  /** Resolves once the weights of the classifier that `world` names are here (downloaded once, with progress). */
  classifier(world: string): Promise<void> {
    const info = this.engine.worlds.find((w) => w.id === world);
    const folder = info?.image?.classifier ?? world;
    return this.once(`classifier:${folder}`, async () => {
      const key = `load:classifier:${folder}`;
      const label = `Loading the ${info?.label ?? world} classifier weights`;
      this.progress(key, { label, fraction: 0 });
      try {
        await this.engine.loadClassifier({
          world,
          onProgress: (loaded, total) =>
            this.progress(key, {
              label: `${label}: ${megabytes(loaded)} of ${megabytes(total)} MB`,
              fraction: total > 0 ? loaded / total : 0,
            }),
        });
      } finally {
        this.progress(key, undefined);
      }
    });
  }

  /** Whether `world` still has something to wait for: weights to load, or a reflow level to make. */
  waits(world: string | GmmSpec): boolean {
    if (typeof world !== 'string') return false;
    const info = this.engine.worlds.find((w) => w.id === world);
    if (info?.kind === 'image') return !this.loaded.has(world);
    return !info && isRecreatableReflow(world, this.engine.worlds);
  }

  /** The Reflow button: the next level of a 2D world, made once (a link or an earlier press may have made it);
   *  `signal` stops it (with the panels waiting for it, if none of them still does). */
  async reflowNext(world: string, signal?: AbortSignal): Promise<string> {
    const { base, level } = reflowLevel(world);
    const next = liveReflowId(base, level + 1);
    await this.ready(world, signal);
    if (!this.engine.worlds.some((w) => w.id === next))
      await this.once(next, (shared) => this.runReflow(world, shared), signal);
    return next;
  }

  private once(key: string, prepare: (signal: AbortSignal) => Promise<void>, signal?: AbortSignal): Promise<void> {
    return this.preparations.get(key, (work) => prepare(work.signal), { signal });
  }

  private async load(world: string, label: string): Promise<void> {
    const key = `load:${world}`;
    this.progress(key, { label: `Loading ${label} weights`, fraction: 0 });
    try {
      await this.engine.loadWorld(world, {
        onProgress: (loaded, total) =>
          this.progress(key, {
            label: `Loading ${label} weights: ${megabytes(loaded)} of ${megabytes(total)} MB`,
            fraction: total > 0 ? loaded / total : 0,
          }),
      });
      this.loaded.add(world);
    } finally {
      this.progress(key, undefined);
    }
  }

  private async runReflow(parent: string, signal?: AbortSignal): Promise<void> {
    const key = `reflow:${parent}`;
    const name = this.engine.worlds.find((w) => w.id === parent)?.label ?? parent;
    const target = reflowLabel(liveReflowId(reflowLevel(parent).base, reflowLevel(parent).level + 1));
    this.progress(key, { label: `Reflowing ${name} → ${target}`, fraction: 0 });
    try {
      const result = await this.engine.reflow({
        world: parent,
        signal,
        onProgress: (fraction, phase) =>
          this.progress(key, { label: `Reflowing ${name} → ${target} (${phase})`, fraction }),
      });
      this.reflows.set(result.world, result);
    } finally {
      this.progress(key, undefined);
    }
  }

  private progress(key: string, preparation: Preparation | undefined): void {
    if (preparation) this.running.set(key, preparation);
    else this.running.delete(key);
    this.dispatchEvent(new Event('change'));
  }
}

const megabytes = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

/** Waits for `work` unless `signal` aborts first; the work itself goes on. */
function until<T>(work: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(new CancelledError());
  return new Promise<T>((resolve, reject) => {
    const stop = () => reject(new CancelledError());
    signal.addEventListener('abort', stop, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', stop));
  });
}
