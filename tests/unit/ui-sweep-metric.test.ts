import { describe, expect, it } from 'vitest';
import { SAMPLERS } from '../../src/sampling/samplers';
import { SCHEDULES } from '../../src/sampling/schedules';
import { defaultState } from '../../src/state/params';
import { isStochasticPanel, planSweep } from '../../src/ui/runs/nfe-sweep';

const metas = SAMPLERS.map(({ id, label, a1111, group, stochastic, citation, defaultSchedule, options, nfe }) => ({
  id,
  label,
  a1111,
  group,
  stochastic,
  citation,
  defaultSchedule,
  options,
  nfe,
}));

describe('the error-vs-NFE sweep judges stochastic panels by sliced W2', () => {
  it('a stochastic sampler with η > 0 plots sliced W2; at η = 0 (the ODE) and for ODE samplers, RMSE', () => {
    const state = {
      ...defaultState(),
      panels: [
        { sampler: 'dpmpp_2m_sde', steps: 10, schedule: 'karras' as const, eta: 1 },
        { sampler: 'euler_ancestral', steps: 10, schedule: 'karras' as const, eta: 0 },
        { sampler: 'unipc', steps: 10, schedule: 'logsnr' as const, eta: 0 },
      ],
    };
    const plan = planSweep(state, metas, SCHEDULES);
    expect(plan.series.map((s) => s.metric)).toEqual(['slicedW2', 'rmse', 'rmse']);
    expect(plan.series[0].label).toMatch(/\(sliced W2\)$/);
    expect(
      isStochasticPanel(
        metas.find((m) => m.id === 'dpmpp_sde')!,
        { eta: 0.3 },
      ),
    ).toBe(true);
    expect(
      isStochasticPanel(
        metas.find((m) => m.id === 'heun')!,
        { eta: 1 },
      ),
    ).toBe(false);
  });
});
