import type { AmedVariant } from './step';

/** Per-step AMED parameters: the mean-value position r ∈ (0, 1) and the direction scale c
 *  (Zhou et al. 2024, eq. 9–10). */
export interface AmedStepParams {
  r: number;
  c: number;
}

export interface AmedParams {
  variant: AmedVariant;
  afs: boolean;
  steps: AmedStepParams[];
}
