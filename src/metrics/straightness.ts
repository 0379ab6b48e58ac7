/**
 * Straightness of a flow (Liu et al. 2023, eq. 7): S = E ∫₀¹ ‖(Z₁ − Z₀) − v(Z_τ, τ)‖² dτ, zero for straight paths.
 * Measured on trajectories of the flow itself in RF coordinates z = x/(1+σ), τ = σ/(1+σ): the chord velocity of
 * each fine step stands in for v, and the whole path's chord for Z₁ − Z₀ (per unit τ over the τ range covered).
 */
export function straightness(trajectory: ArrayLike<number>[], sigmas: ArrayLike<number>, dim: number): number {
  const steps = trajectory.length - 1;
  const tau = (s: number) => s / (1 + s);
  const z = (k: number, i: number) => trajectory[k][i] / (1 + sigmas[k]);
  const range = tau(sigmas[0]) - tau(sigmas[steps]);
  const values = trajectory[0].length;
  let total = 0;
  for (let i = 0; i < values; i++) {
    const chord = (z(0, i) - z(steps, i)) / range;
    for (let k = 0; k < steps; k++) {
      const dt = tau(sigmas[k]) - tau(sigmas[k + 1]);
      const velocity = (z(k, i) - z(k + 1, i)) / dt;
      total += (chord - velocity) ** 2 * dt;
    }
  }
  return total / range / (values / dim);
}
