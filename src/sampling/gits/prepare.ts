/**
 * The GITS schedule's prepare hook (Chen et al., ICML 2024): the run's grid searched on its own denoiser, the cost
 * matrix memoised per denoiser (./calibrations.ts). The run's result reports the search under `gits`.
 */
import type { GridPrepareHook } from '../prepare';
import { prepareGits } from './calibrations';

export const prepareGitsGrid: GridPrepareHook = async (context) => {
  const { sigmas, report } = await prepareGits(context);
  return { sigmas, report: () => ({ gits: report }) };
};
