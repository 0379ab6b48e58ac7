/**
 * The metrics of one finished run, read from that run alone: its world, its seed and its own reference solve. The
 * state may have moved on while the run was on show (a hash change from an image world to a 2D one, a restored
 * PNG naming another world), and an earlier run's samples measured against a later request's reference are not a
 * measurement at all (the lengths need not even agree).
 */
import type { Metrics, Sandbox } from '../../api/sandbox';
import type { ReferenceSolves } from './reference-solves';
import { metricsOf, runReference, type PanelRequest } from './run-request';

export interface MeasuredRun {
  /** The run's request key: whoever shows the metrics checks it against the run on show. */
  key: string;
  /** Undefined for a world without exact metrics (image worlds). */
  metrics?: Metrics;
}

export async function measureRun(
  run: { key: string; request: PanelRequest; result: { samples: Float32Array } },
  sandbox: Pick<Sandbox, 'evaluate' | 'worlds'>,
  references: Pick<ReferenceSolves, 'get'>,
  signal: AbortSignal,
): Promise<MeasuredRun> {
  const { world, seed } = run.request;
  const kind = metricsOf(world, sandbox.worlds);
  if (kind === 'none') return { key: run.key };
  const reference = kind === 'rmse' ? await references.get(runReference(run.request), signal) : undefined;
  return { key: run.key, metrics: sandbox.evaluate({ world, samples: run.result.samples, reference, seed }) };
}
