/** Adams–Bashforth weights for orders 1–4 (newest derivative first); iPNDM warms up through them
 *  (Zhang & Chen 2023, DEIS; zju-pi/diff-sampler solvers.py get_ipndm). Shared by iPNDM and AMED-Plugin on iPNDM. */
export const ADAMS_BASHFORTH: readonly (readonly number[])[] = [
  [1],
  [3 / 2, -1 / 2],
  [23 / 12, -16 / 12, 5 / 12],
  [55 / 24, -59 / 24, 37 / 24, -9 / 24],
];
