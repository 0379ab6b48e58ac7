/**
 * The background sweep behind the error-vs-NFE chart: every distinct sampler setting among the
 * panels, run at a ladder of NFE budgets from the panels' noise, each compared with the shared reference solution
 * (stochastic panels: with the target, by sliced W2).
 * On log-log axes the slope is the order of the solver (algorithms.md, "Quality measures per NFE").
 */
import type { Sandbox, SamplerMeta } from '../../api/sandbox';
import type { SandboxState } from '../../state/params';
import type { ReferenceSolves } from './reference-solves';
import { valueLabel, type OptionSpec } from '../../sampling/option-spec';
import { stepsForNfe } from '../../sampling/samplers';
import { panelOptionValues } from '../../state/panel-options';
import { panelRequest, referenceRequest } from './run-request';

/** Roughly geometric, ×1.4 a rung, from the few-step regime to where Heun is converged on the presets. */
const SWEEP_BUDGETS = [2, 3, 4, 6, 8, 11, 16, 22, 32, 45, 64] as const;

export interface SweepSeries {
  label: string;
  /** The panel whose colour the series takes. */
  panel: number;
  /** RMSE to the ODE reference, or for a stochastic panel the sliced W2 to the target (its samples leave the ODE's
   *  paths by design, so the distance to the reference from the same noise is not its error). */
  metric: 'rmse' | 'slicedW2';
  points: Array<{ nfe: number; value: number }>;
}

/** Whether a panel samples stochastically: a stochastic sampler, unless its η is 0 (then it is the ODE). */
export function isStochasticPanel(meta: Pick<SamplerMeta, 'stochastic' | 'options'>, panel: { eta: number }): boolean {
  return meta.stochastic && !(meta.options.some((o) => o.key === 'eta') && panel.eta === 0);
}

export interface SweepPlan {
  series: SweepSeries[];
  /** Step counts to run per series (budgets that give the same steps are run once). */
  steps: number[][];
}

/** The series of a sweep: one per distinct (sampler, schedule, η, sampler options) among the panels on the shared
 *  world (the reference belongs to it), first panel wins. */
export function planSweep(
  state: SandboxState,
  samplers: readonly SamplerMeta[],
  schedules: ReadonlyArray<{ id: string; label: string; options?: readonly OptionSpec[] }>,
): SweepPlan {
  const seen = new Set<string>();
  const plan: SweepPlan = { series: [], steps: [] };
  state.panels.forEach((p, i) => {
    const meta = samplers.find((s) => s.id === p.sampler);
    if (!meta || p.world !== undefined) return;
    const options = panelOptionValues(p, meta);
    const scheduleMeta = schedules.find((s) => s.id === p.schedule);
    const scheduleOptions = panelOptionValues(p, { options: scheduleMeta?.options ?? [] });
    const key = JSON.stringify([p.sampler, p.schedule, options, scheduleOptions]);
    if (seen.has(key)) return;
    seen.add(key);
    const steps = [...new Set(SWEEP_BUDGETS.map((b) => stepsForNfe(meta, b, options)).filter((n) => n > 0))];
    const schedule = scheduleMeta?.label ?? p.schedule;
    const all = { ...options, ...scheduleOptions };
    const optionText = [...meta.options, ...(scheduleMeta?.options ?? [])]
      .map((spec) => `, ${spec.label} ${valueLabel(spec, all[spec.key])}`)
      .join('');
    const metric = isStochasticPanel(meta, p) ? 'slicedW2' : 'rmse';
    const suffix = metric === 'slicedW2' ? ' (sliced W2)' : '';
    plan.series.push({ label: `${meta.label}, ${schedule}${optionText}${suffix}`, panel: i, metric, points: [] });
    plan.steps.push(steps);
  });
  return plan;
}

/** Runs a sweep, reporting each point as it lands (the chart fills in while it runs). Cancelled by `signal`. */
export async function runSweep(
  sandbox: Pick<Sandbox, 'sample' | 'evaluate' | 'samplers' | 'schedules' | 'worlds'>,
  references: ReferenceSolves,
  state: SandboxState,
  {
    signal,
    onPoint,
    onProgress,
  }: { signal: AbortSignal; onPoint: (series: SweepSeries[]) => void; onProgress: (fraction: number) => void },
): Promise<SweepSeries[]> {
  const plan = planSweep(state, sandbox.samplers, sandbox.schedules);
  const total = plan.steps.reduce((a, s) => a + s.length, 0) + 1;
  let done = 0;
  onProgress(0);
  const reference = await references.get(referenceRequest(state), signal);
  onProgress(++done / total);
  for (const [k, series] of plan.series.entries()) {
    const panelState = { ...state, equalNfe: false, panels: [state.panels[series.panel]] };
    for (const steps of plan.steps[k]) {
      const request = {
        ...panelRequest(
          { ...panelState, panels: [{ ...panelState.panels[0], steps }] },
          0,
          sandbox.samplers,
          sandbox.worlds,
        ),
        trajectory: false,
      };
      const result = await sandbox.sample({ ...request, signal });
      const { rmse, slicedW2 } = sandbox.evaluate({
        world: request.world,
        samples: result.samples,
        reference,
        seed: state.seed,
      });
      series.points.push({ nfe: result.nfe, value: series.metric === 'rmse' ? rmse! : slicedW2 });
      onPoint(plan.series);
      onProgress(++done / total);
    }
  }
  return plan.series;
}
