/**
 * `npm run bench:engine` (driven by bench/run.mjs in headless Chromium): throughput of every sampler on gmm:ring8
 * at 4096 samples × 10/20/50 steps, against the float64 JavaScript executor on the same plans (what a user without
 * WebGPU would run), RMSE to the RK4 reference versus NFE for every sampler, and the catalogue tables in float64
 * (./catalogue-tables.ts: every ODE sampler × three schedules × four presets; the stochastic ones by distribution).
 */
import { createSandbox } from '../src/index';
import { REFERENCE_STEPS } from '../src/metrics/reference';
import { runPlanCpu } from '../src/sampling/run-cpu';
import { samplerById } from '../src/sampling/samplers';
import { initialNoise } from '../src/sampling/noise';
import { gmmDenoiser } from '../src/worlds/gmm';
import { ring8 } from '../src/worlds/gmm-presets';
import { WorldRegistry } from '../src/worlds/registry';
import { catalogueTables } from './catalogue-tables';
import { gitsTables } from './gits-tables';

async function main() {
  const sandbox = await createSandbox();
  const adapter = sandbox.gpu.resources.adapter;
  const rows: string[] = [];
  const count = 4096;
  const spec = ring8();
  const z = initialNoise(1, count, 2);
  rows.push(
    '## Throughput on gmm:ring8, 4096 samples (GPU time from timestamp queries; CPU = float64 JS executor, same plan)',
    '',
  );
  rows.push(
    '| sampler | steps | NFE | GPU ms | GPU samples/s | wall ms | CPU f64 ms | GPU / CPU speed |',
    '|---|---|---|---|---|---|---|---|',
  );
  for (const sampler of sandbox.samplers) {
    for (const steps of [10, 20, 50]) {
      await sandbox.sample({ world: 'gmm:ring8', sampler: sampler.id, steps, count, seed: 1 }); // warm pipelines
      const t0 = performance.now();
      const r = await sandbox.sample({ world: 'gmm:ring8', sampler: sampler.id, steps, count, seed: 1 });
      const wall = performance.now() - t0;
      // The same plan on the CPU: the run's own σ grid, and AMED's calibration (already cached by the GPU run).
      const amed = sampler.id.startsWith('amed')
        ? await sandbox.calibrateAmed({ world: 'gmm:ring8', steps, sampler: sampler.id as 'amed' | 'amed_plugin' })
        : undefined;
      const plan = samplerById(sampler.id)!.build(
        r.sigmas,
        { eta: sampler.stochastic ? 1 : 0 },
        amed && { source: 'calibration', steps: amed.steps },
      );
      const c0 = performance.now();
      runPlanCpu(plan, gmmDenoiser(spec), { noise: z, count, seed: 1 });
      const cpu = performance.now() - c0;
      rows.push(
        `| ${sampler.label} | ${steps} | ${r.nfe} | ${r.ms.toFixed(1)} | ${Math.round((count / r.ms) * 1000).toLocaleString('en')} | ${wall.toFixed(1)} | ${cpu.toFixed(0)} | ${(cpu / wall).toFixed(1)}× |`,
      );
    }
  }

  const evalCount = 1024;
  rows.push(
    '',
    `## RMSE to the RK4 reference (${REFERENCE_STEPS} log-σ steps) versus NFE, gmm:ring8, ${evalCount} samples, default schedules, η-SDE at η = 1`,
    '',
  );
  const budgets = [3, 5, 10, 20, 50];
  rows.push(
    `| sampler | ${budgets.map((b) => `NFE ${b}`).join(' | ')} |`,
    `|---|${budgets.map(() => '---').join('|')}|`,
  );
  const reference = await sandbox.reference({ world: 'gmm:ring8', count: evalCount, seed: 2 });
  for (const sampler of sandbox.samplers) {
    const cells: string[] = [];
    for (const nfe of budgets) {
      if (sampler.nfe(1) > nfe) {
        cells.push('–');
        continue;
      }
      const r = await sandbox.sample({ world: 'gmm:ring8', sampler: sampler.id, nfe, count: evalCount, seed: 2 });
      const m = sandbox.evaluate({ world: 'gmm:ring8', samples: r.samples, reference, seed: 2 });
      cells.push(`${m.rmse!.toFixed(3)}${r.nfe !== nfe ? ` (${r.nfe})` : ''}`);
    }
    rows.push(`| ${sampler.label} | ${cells.join(' | ')} |`);
  }
  rows.push(
    '',
    'A number in parentheses is the NFE actually used when the budget does not fit a whole step (Heun: 2N − 1).',
  );
  rows.push(...catalogueTables(new WorldRegistry()));
  rows.push(...(await gitsTables(new WorldRegistry())));
  const info = adapter.info;
  sandbox.destroy();
  return { table: rows.join('\n'), adapter: `${info.vendor} ${info.architecture} ${info.description}`.trim() };
}

(window as unknown as { benchResult: Promise<unknown> }).benchResult = main();
