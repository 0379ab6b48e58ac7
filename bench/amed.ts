/**
 * `npm run bench:amed`: quality versus NFE (3/5/7/9) on every 2D preset for AMED-Solver, AMED-Plugin (iPNDM),
 * Euler, Heun, DPM++(2M) and iPNDM — RMSE to the RK4 reference from the same noise and mean exact log-likelihood —
 * plus the calibrated (r_n, c_n) and the time the live calibration took.
 */
import { createSandbox } from '../src/index';

const SAMPLERS = [
  ['amed', 'AMED-Solver'],
  ['amed_plugin', 'AMED-Plugin (iPNDM)'],
  ['euler', 'Euler'],
  ['heun', 'Heun'],
  ['dpmpp_2m', 'DPM++(2M)'],
  ['ipndm', 'iPNDM'],
] as const;
const BUDGETS = [3, 5, 7, 9];
const COUNT = 1024;

async function main() {
  const sandbox = await createSandbox();
  const rows: string[] = [
    `Samples: ${COUNT} per cell, seed 11; AMED calibrated live on its own 512-sample batch (seed 0x0a3ed), time-uniform grid, AFS; the others on their default Karras grid. Cell: RMSE to the RK4 reference / mean log-likelihood (nats); a number in parentheses is the NFE used when the budget does not fit a whole step.`,
    '',
  ];
  for (const world of sandbox.worlds.filter(
    (w) => w.kind === '2d' && w.id.startsWith('gmm:') && !w.id.includes('custom'),
  )) {
    const reference = await sandbox.reference({ world: world.id, count: COUNT, seed: 11 });
    const targetLl = sandbox.evaluate({
      world: world.id,
      samples: sandbox.targetSamples({ world: world.id, count: COUNT, seed: 12 }),
    }).logLikelihood;
    rows.push(`## ${world.id} (target's own mean log-likelihood ${targetLl.toFixed(2)})`, '');
    rows.push(
      `| sampler | ${BUDGETS.map((b) => `NFE ${b}`).join(' | ')} |`,
      `|---|${BUDGETS.map(() => '---').join('|')}|`,
    );
    for (const [id, label] of SAMPLERS) {
      const cells: string[] = [];
      for (const nfe of BUDGETS) {
        const meta = sandbox.samplers.find((s) => s.id === id)!;
        if (meta.nfe(1) > nfe) {
          cells.push('–');
          continue;
        }
        const r = await sandbox.sample({ world: world.id, sampler: id, nfe, count: COUNT, seed: 11 });
        const m = sandbox.evaluate({ world: world.id, samples: r.samples, reference });
        cells.push(`${m.rmse!.toFixed(3)} / ${m.logLikelihood.toFixed(2)}${r.nfe !== nfe ? ` (${r.nfe})` : ''}`);
      }
      rows.push(`| ${label} | ${cells.join(' | ')} |`);
    }
    const started = performance.now();
    const calibration = await sandbox.calibrateAmed({ world: world.id, nfe: 5, seed: 1 });
    rows.push(
      '',
      `AMED-Solver at NFE 5 on ${world.id}: (r, c) per step = ${calibration.steps.map((s) => `(${s.r.toFixed(3)}, ${s.c.toFixed(3)})`).join(', ')} (cached lookup ${(performance.now() - started).toFixed(0)} ms)`,
      '',
    );
  }
  // Time of a fresh calibration (a custom world has no cached calibration).
  const custom = {
    type: 'gmm' as const,
    means: [
      [-2, 0],
      [2, 1],
      [0, -3],
    ],
    stds: [0.3, 0.5, 0.4],
    weights: [1, 2, 1],
  };
  const started = performance.now();
  await sandbox.calibrateAmed({ world: custom, nfe: 5 });
  rows.push(
    `A fresh live calibration (3-component mixture, NFE 5, 512 samples, 3 × 31 evaluations + the Heun teacher) took ${((performance.now() - started) / 1000).toFixed(1)} s on this adapter.`,
  );
  const info = sandbox.gpu.resources.adapter.info;
  sandbox.destroy();
  return { table: rows.join('\n'), adapter: `${info.vendor} ${info.architecture}`.trim() };
}

(window as unknown as { benchResult: Promise<unknown> }).benchResult = main();
