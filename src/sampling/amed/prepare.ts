/**
 * AMED's prepare hook (Zhou et al. 2024): the learned predictor where the world ships one trained for this run
 * (per-sample r, c at run time, no extra NFE), else the forward-only calibration of (r_n, c_n) for this world,
 * denoiser and grid (memoised). The run's result reports which under `amed`.
 */
import type { OptionValues } from '../option-spec';
import type { Prepared, PrepareContext } from '../prepare';
import { calibrationFor } from './calibrations';
import { choosePredictor } from './predictors';
import { summarisePredicted, type AmedRunInfo } from './run-info';
import type { AmedVariant } from './step';

export function prepareAmed(
  variantOf: (options: OptionValues) => AmedVariant,
  afsOf: (options: OptionValues) => boolean,
) {
  return async (context: PrepareContext): Promise<Prepared> => {
    const variant = variantOf(context.options);
    const afs = afsOf(context.options);
    const choice = await choosePredictor(context, variant, afs);
    if ('weights' in choice) {
      return {
        plan: { source: 'predictor' },
        runtime: { predictor: choice.weights },
        report: ({ nfe, predicted }) => ({
          amed: { source: 'predictor', nfe, steps: summarisePredicted(predicted ?? new Map()) } satisfies AmedRunInfo,
        }),
      };
    }
    const calibration = await calibrationFor(context, variant, afs);
    const steps = calibration.steps.map(({ r, c }) => ({ r, c }));
    return {
      plan: { source: 'calibration', steps },
      report: ({ nfe }) => ({
        amed: { source: 'calibration', nfe, reason: choice.reason, steps, calibration } satisfies AmedRunInfo,
      }),
    };
  };
}
