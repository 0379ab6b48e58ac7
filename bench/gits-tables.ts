/**
 * GITS (Chen et al., ICML 2024) against Karras and time-uniform grids at NFE 5–10, for Euler, DPM++(2M), iPNDM and
 * UniPC on the four 2D presets, in float64: RMSE to the RK4 reference (1000 log-σ steps), the same measure as
 * ./catalogue-tables.ts. The GITS grid is the page's own search (the schedule's prepare hook, src/sampling/gits/) on
 * the exact float64 denoiser, with the declared defaults (deviation metric, coeff 1.15, 61 fine points, 64
 * trajectories), and again with the L2 metric. Part of `npm run bench:engine`; alone:
 *   node bench/quality/ts.mjs bench/gits-tables.ts bench/results/gits-2d.md
 */
import { rmse } from '../src/metrics/distances';
import { buildReferencePlan, FLOAT64_REFERENCE_STEPS } from '../src/metrics/reference';
import type { CpuDenoiser } from '../src/sampling/denoiser';
import { initialNoise } from '../src/sampling/noise';
import type { OptionValues } from '../src/sampling/option-spec';
import { cpuPrepareServices } from '../tests/reference/forward-solves';
import { PrepareMemo, type PrepareContext } from '../src/sampling/prepare';
import { runPlanCpu } from '../src/sampling/run-cpu';
import { samplerById } from '../src/sampling/samplers';
import { DEFAULT_SCHEDULE_OPTIONS as O, scheduleById } from '../src/sampling/schedules';
import { GMM_PRESETS } from '../src/worlds/gmm-presets';
import { WorldRegistry } from '../src/worlds/registry';

const COUNT = 512;
const SEED = 3;
const BUDGETS = [5, 6, 7, 8, 9, 10];
const SAMPLERS = ['euler', 'dpmpp_2m', 'ipndm', 'unipc'];
const GRIDS: Array<{ label: string; schedule: string; params?: OptionValues }> = [
  { label: 'Karras', schedule: 'karras' },
  { label: 'time uniform', schedule: 'time_uniform' },
  { label: 'GITS (deviation, defaults)', schedule: 'gits' },
  { label: 'GITS (L2)', schedule: 'gits', params: { gitsMetric: 'l2' } },
];

/** The grid a run of `steps` walks on this schedule: the static one, or the search's through the prepare hook. */
async function gridFor(
  schedule: string,
  steps: number,
  params: OptionValues,
  denoiser: CpuDenoiser,
  world: string,
  memo: PrepareMemo,
): Promise<Float64Array> {
  const info = scheduleById(schedule)!;
  const sigmas = info.build(steps, O, params);
  if (!info.prepare) return sigmas;
  const context: PrepareContext = {
    samplerId: 'euler',
    world,
    dim: denoiser.dim,
    sigmas,
    schedule,
    scheduleOptions: O,
    scheduleParams: params,
    options: {},
    denoiser: { cfg: 1, conditional: false },
    denoiserKey: denoiser.key(),
    ...cpuPrepareServices(denoiser),
    memo: (key, compute) => memo.get(key, compute),
  };
  return (await info.prepare(context)).sigmas;
}

export async function gitsTables(worlds: WorldRegistry): Promise<string[]> {
  const rows = [
    '',
    `## GITS against Karras and time-uniform: RMSE to the RK4 reference at NFE 5–10, float64, ${COUNT} samples`,
    '',
    'GITS searched on the exact denoiser (the page’s own search: iPNDM teacher on 61 Karras points, 64 trajectories, ' +
      'coeff 1.15), with the paper’s deviation metric (the declared default) and with L2. Bold: the best grid of the ' +
      'sampler at that NFE.',
  ];
  const z = initialNoise(SEED, COUNT, 2);
  const memo = new PrepareMemo();
  for (const preset of GMM_PRESETS) {
    const denoiser = worlds.resolve(preset.id).exact!.cpu;
    const reference = runPlanCpu(buildReferencePlan(O.sigmaMax, O.sigmaMin, FLOAT64_REFERENCE_STEPS), denoiser, {
      noise: z,
      count: COUNT,
    });
    rows.push('', `### ${preset.id}`, '', `| sampler | grid | ${BUDGETS.join(' | ')} |`);
    rows.push(`|---|---|${BUDGETS.map(() => '---').join('|')}|`);
    for (const id of SAMPLERS) {
      const sampler = samplerById(id)!;
      const options = Object.fromEntries(sampler.options.map((o) => [o.key, o.default]));
      const table: number[][] = [];
      for (const grid of GRIDS) {
        const errors: number[] = [];
        for (const nfe of BUDGETS) {
          const sigmas = await gridFor(grid.schedule, nfe, grid.params ?? {}, denoiser, preset.id, memo);
          const samples = runPlanCpu(sampler.build(sigmas, options), denoiser, { noise: z, count: COUNT }).samples;
          errors.push(rmse(samples, reference.samples, 2));
        }
        table.push(errors);
      }
      GRIDS.forEach((grid, g) => {
        const cells = table[g].map((e, k) => {
          const best = Math.min(...table.map((r) => r[k]));
          return e === best ? `**${e.toPrecision(3)}**` : e.toPrecision(3);
        });
        rows.push(`| ${sampler.a1111 ?? sampler.label} | ${grid.label} | ${cells.join(' | ')} |`);
      });
    }
  }
  return rows;
}

export async function main([output]: string[]): Promise<void> {
  const table = (await gitsTables(new WorldRegistry())).join('\n');
  console.log(table);
  // Imported here, not at the top: engine.ts runs this module in the browser too.
  const { writeFileSync } = await import('node:fs');
  if (output)
    writeFileSync(
      output,
      `# GITS on the 2D presets\n\n- Command: node bench/quality/ts.mjs bench/gits-tables.ts ${output}\n${table}\n`,
    );
}
