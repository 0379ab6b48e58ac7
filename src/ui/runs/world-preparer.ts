/**
 * Gets a world ready before anything runs on it: an image world's weights downloaded (with
 * progress), a 2D reflow level made by live reflow, its parent levels first (Liu et al. 2023, Alg. 1: k-RF is
 * made from (k−1)-RF). The classifier
 * that judges image panels downloads here too, with the same progress display. A live reflow is
 * deterministic (the engine's default pairs, teacher and seed), so a link naming `gmm:moons:3rf` gets the same world
 * its author saw. Each preparation runs once and is shared by everyone waiting for it; a failed one may be retried.
 *
 * @fires change - progress moved, or a preparation finished or failed
 */
import type { Sandbox } from '../../api/sandbox';
import type { ReflowResult } from '../../api/reflow';
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
  private readonly preparations = new Map<string, Promise<void>>();
  private readonly running = new Map<string, Preparation>();
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
   *  an unknown id resolves too, and `sample` then says what is wrong with it. */
  ready(world: string | GmmSpec): Promise<void> {
    if (typeof world !== 'string') return Promise.resolve();
    const info = this.engine.worlds.find((w) => w.id === world);
    if (info?.kind === 'image') return this.once(world, () => this.load(world, info.label));
    if (!info && isRecreatableReflow(world, this.engine.worlds)) {
      const { base, level } = reflowLevel(world);
      return this.once(world, async () => {
        await this.ready(liveReflowId(base, level - 1));
        await this.runReflow(liveReflowId(base, level - 1));
      });
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

  /** The Reflow button: the next level of a 2D world, made once (a link or an earlier press may have made it). */
  async reflowNext(world: string): Promise<string> {
    const { base, level } = reflowLevel(world);
    const next = liveReflowId(base, level + 1);
    await this.ready(world);
    if (!this.engine.worlds.some((w) => w.id === next)) await this.once(next, () => this.runReflow(world));
    return next;
  }

  private once(key: string, prepare: () => Promise<void>): Promise<void> {
    let preparation = this.preparations.get(key);
    if (!preparation) {
      preparation = prepare();
      preparation.catch(() => this.preparations.delete(key));
      this.preparations.set(key, preparation);
    }
    return preparation;
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
    } finally {
      this.progress(key, undefined);
    }
  }

  private async runReflow(parent: string): Promise<void> {
    const key = `reflow:${parent}`;
    const name = this.engine.worlds.find((w) => w.id === parent)?.label ?? parent;
    const target = reflowLabel(liveReflowId(reflowLevel(parent).base, reflowLevel(parent).level + 1));
    this.progress(key, { label: `Reflowing ${name} → ${target}`, fraction: 0 });
    try {
      const result = await this.engine.reflow({
        world: parent,
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
