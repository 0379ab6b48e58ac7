/**
 * A panel's run and its metrics, as two @lit/task controllers: the run aborts whatever it was still doing when its
 * request changes (so no outdated run is ever queued behind a newer one), waits for its world to be ready (weights,
 * reflow levels), shows the progress of whatever the schedule or the sampler prepares first (GITS's search, AMED's
 * calibration, under the name each gives it), and answers from the run cache when it can. A run whose schedule
 * searched its grid tells the page which grid it walked (the σ chart draws it). The metrics follow the run on show,
 * measured on its own world and reference (run-metrics.ts): exact log-likelihood, plus RMSE to the shared reference
 * solve where that is affordable.
 * Image runs get the classifier's verdict after their samples are shown: it never delays them, and a new request
 * aborts it as it aborts the run.
 */
import { Task, TaskStatus } from '@lit/task';
import type { ReactiveControllerHost } from 'lit';
import type { Metrics, SampleResult, Sandbox } from '../../api/sandbox';
import type { SandboxState } from '../../state/params';
import type { ImportedCalibration } from '../calibration-kinds';
import { judgedByClassifier, type Verdict } from './classifier-verdict';
import type { ReferenceSolves } from './reference-solves';
import type { RunCache } from './run-cache';
import { measureRun, type MeasuredRun } from './run-metrics';
import { panelImage, panelRequest, requestKey, type PanelRequest } from './run-request';
import type { RunLane } from './run-lane';
import type { WorldPreparer } from './world-preparer';

const isAbort = (error: unknown) =>
  (error instanceof Error || error instanceof DOMException) && error.name === 'AbortError';

export interface SampledRun {
  key: string;
  /** What was asked for, so a panel showing an earlier run can say what has changed since. */
  request: PanelRequest;
  result: SampleResult;
  /** Samples in the run (an earlier run stays on show while a newer one with another count is under way). */
  count: number;
  /** Image runs: the side of the images; undefined for a 2D run. */
  side?: number;
}

/** The grid a searched schedule (GITS) chose for a request (by its key), σ_N = 0 included where the run ends there. */
export interface SearchedGrid {
  key: string;
  sigmas: Float64Array;
}

/** What the run needs from its panel, read afresh each time (contexts arrive after construction). */
export interface PanelRunSource {
  sandbox: Sandbox;
  cache: RunCache;
  references: ReferenceSolves;
  preparer: WorldPreparer;
  /** Image runs take turns on the GPU. */
  imageLane: RunLane;
  /** The state committed for this frame. */
  state: SandboxState;
  index: number;
  /** Bumped to run again although nothing changed. */
  rerun: number;
}

/** Verdicts kept per panel, so that going back to an earlier request does not classify its samples again. */
const MAX_VERDICTS = 8;

/** What a panel is doing: the e2e tests wait for 'done'. */
export type PanelStatus = 'done' | 'running' | 'queued' | 'stopped' | 'error';

export class PanelRun {
  /** 0–1 while something measurable runs, else null; `phase` says what. */
  progress: number | null = null;
  phase = 'run';
  /** Waiting for its turn on the image lane. */
  private queued = false;
  /** The latest run that finished, kept when a later one is stopped or fails (the task forgets it then). */
  lastFinished?: SampledRun;
  /** Progress reports (one per GPU submission) that arrived after Stop was pressed, for the run it stopped. */
  submissionsAfterStop = 0;
  private stopRequested = false;
  private calibrations = 0;
  private imported?: ImportedCalibration;
  private readonly verdicts = new Map<string, Verdict>();

  constructor(
    private readonly host: ReactiveControllerHost & EventTarget,
    private readonly source: () => PanelRunSource,
    private readonly onError: (error: unknown) => void,
  ) {}

  readonly sample = new Task(this.host, {
    args: () => [requestKey(this.request()), this.source().rerun, this.calibrations] as const,
    task: async ([key], { signal }): Promise<SampledRun> => {
      const { sandbox, cache, preparer, imageLane } = this.source();
      const request = this.request();
      // A world still being made (weights loading, a reflow level) says so; its own progress shows by the world.
      if (preparer.waits(request.world)) this.setProgress('waiting for the world', null);
      await preparer.ready(request.world, signal);
      // The cache is keyed by what the result depends on (the denoiser's key() and the run's inputs), not by the
      // request's fields: a world id can name another function after a reflow with other settings.
      const cacheKey = await sandbox.sampleKey(request);
      let result = cache.get(cacheKey);
      this.stopRequested = false;
      this.submissionsAfterStop = 0;
      const release = !result && request.size !== undefined ? await this.enterLane(imageLane, signal) : () => {};
      try {
        if (!result) {
          this.setProgress('run', 0);
          try {
            const onProgress = (f: number, phase?: string) => this.setProgress(phase ?? 'run', f);
            result = await sandbox.sample({ ...request, signal, onProgress });
          } finally {
            if (!signal.aborted) this.setProgress('run', null);
          }
          cache.set(cacheKey, result);
          if (this.imported) this.reportImport(this.imported, result);
          this.imported = undefined;
        }
        return { key, request, result, count: request.count!, side: request.size };
      } finally {
        release();
      }
    },
    onComplete: (run) => {
      this.lastFinished = run;
      if (this.source().sandbox.schedules.find((s) => s.id === run.request.schedule)?.preparing) {
        const detail: SearchedGrid = { key: run.key, sigmas: run.result.sigmas };
        this.host.dispatchEvent(new CustomEvent('grid-searched', { detail, bubbles: true, composed: true }));
      }
    },
    onError: (error) => this.onError(error),
  });

  /** Keyed to the run on show alone (metrics of another run are never shown): see run-metrics.ts. */
  readonly metrics = new Task(this.host, {
    args: () => [this.shownRun()] as const,
    task: async ([run], { signal }): Promise<MeasuredRun | undefined> => {
      if (!run) return undefined;
      const { sandbox, references } = this.source();
      return measureRun(run, sandbox, references, signal);
    },
    onError: (error) => this.onError(error),
  });

  /** Runs once the samples of this frame's request are in (args: that run and the current key); classifying a run
   *  that is no longer requested is never started, and one under way is aborted by the next request. */
  readonly verdict = new Task(this.host, {
    args: () => [this.sample.value, requestKey(this.request()), this.judged()] as const,
    task: async ([run, key, judged], { signal }): Promise<Verdict | undefined> => {
      if (!run || !judged || run.key !== key) return undefined;
      const kept = this.verdicts.get(run.key);
      if (kept) return kept;
      const { sandbox, preparer } = this.source();
      const world = String(run.request.world);
      await preparer.classifier(world);
      const result = await sandbox.classify({ images: run.result.samples, count: run.count, world, signal });
      const label = run.request.label;
      const verdict: Verdict = {
        key: run.key,
        labels: result.labels,
        probabilities: result.probabilities,
        classes: result.classes,
        asked: typeof label === 'number' || label === 'mixed' ? label : undefined,
      };
      this.verdicts.set(run.key, verdict);
      if (this.verdicts.size > MAX_VERDICTS) this.verdicts.delete(this.verdicts.keys().next().value!);
      return verdict;
    },
    onError: (error) => this.onError(error),
  });

  request(): PanelRequest {
    const { sandbox, state, index } = this.source();
    return panelRequest(state, index, sandbox.samplers, sandbox.worlds);
  }

  /** 'done' once this frame's request has its samples and its metrics; the e2e tests wait for it. */
  status(): PanelStatus {
    if (this.sample.status === TaskStatus.ERROR && isAbort(this.sample.error)) return 'stopped';
    if (this.sample.status === TaskStatus.ERROR || this.metrics.status === TaskStatus.ERROR) return 'error';
    if (this.sample.status === TaskStatus.COMPLETE && this.metrics.status === TaskStatus.COMPLETE) return 'done';
    return this.queued ? 'queued' : 'running';
  }

  /** Whom a queued run waits for ("panel 1"), or undefined. */
  waitsFor(): string | undefined {
    return this.queued ? this.source().imageLane.holder : undefined;
  }

  /** The run on show: this request's, or the last one that finished while a newer one runs, was stopped or failed. */
  shownRun(): SampledRun | undefined {
    return this.sample.value ?? this.lastFinished;
  }

  /** Whether the run on show is not the one the panel now asks for. */
  stale(): boolean {
    const run = this.shownRun();
    return !!run && run.key !== requestKey(this.request());
  }

  /** Stops the run under way between two GPU submissions; the last finished result stays on show, marked. */
  stop(): boolean {
    if (this.sample.status !== TaskStatus.PENDING) return false;
    this.stopRequested = true;
    this.sample.abort(new DOMException('Stopped', 'AbortError'));
    // The bar goes at once: a stopped run must not look as if it were still running.
    this.setProgress(this.phase, null);
    return true;
  }

  /** The metrics of the shown run (never an earlier run's next to a newer run's samples). */
  shownMetrics(): Metrics | undefined {
    const value = this.metrics.value;
    return value && value.key === this.shownRun()?.key ? value.metrics : undefined;
  }

  /** Whether this panel's world names a classifier that judges it. */
  judged(): boolean {
    const { sandbox, state, index } = this.source();
    return judgedByClassifier(panelImage(state, index, sandbox.worlds));
  }

  /** The verdict on the shown run: the verdict, 'pending' while it is being made, an Error if it failed, or
   *  undefined where there is none to make (2D worlds). */
  shownVerdict(): Verdict | 'pending' | Error | undefined {
    if (!this.judged()) return undefined;
    const value = this.verdict.value;
    if (value && value.key === this.shownRun()?.key) return value;
    const error = this.verdict.error;
    if (this.verdict.status === TaskStatus.ERROR && !(error instanceof Error && error.name === 'AbortError'))
      return error instanceof Error ? error : new Error(String(error));
    return 'pending';
  }

  /** Runs again with an imported calibration (AMED's, GITS's search); the run cache is cleared, since its results
   *  used the previous one. A run under way (e.g. the search the import replaces) is aborted by the new request. */
  useImportedCalibration(imported: ImportedCalibration): void {
    this.imported = imported;
    this.source().cache.clear();
    this.calibrations++;
    this.host.requestUpdate();
  }

  private reportImport({ kind, value }: ImportedCalibration, result: SampleResult): void {
    const label = `Panel ${this.source().index + 1}`;
    const made = kind.madeFor(value);
    const text = kind.usedBy(value, result)
      ? `${label} runs with the imported ${kind.noun} (${made}).`
      : `The imported ${kind.noun} is for ${made}; ${label}'s settings differ, so it ${kind.otherwise}. The imported one applies when a panel matches it.`;
    this.host.dispatchEvent(new CustomEvent('notice', { detail: text, bubbles: true, composed: true }));
  }

  private async enterLane(lane: RunLane, signal: AbortSignal): Promise<() => void> {
    const owner = `panel ${this.source().index + 1}`;
    const update = () => this.host.requestUpdate();
    // Only the panels are in the lane, and each names itself: a lane without a holder is free.
    this.queued = lane.holder !== undefined;
    lane.addEventListener('change', update);
    update();
    try {
      return await lane.enter(signal, owner);
    } finally {
      this.queued = false;
      lane.removeEventListener('change', update);
      update();
    }
  }

  private setProgress(phase: string, fraction: number | null): void {
    // A report from the submission in flight when Stop was pressed is counted, never shown.
    if (this.stopRequested && fraction !== null) {
      this.submissionsAfterStop++;
      return;
    }
    this.phase = phase;
    this.progress = fraction;
    this.host.requestUpdate();
  }
}
