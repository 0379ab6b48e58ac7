/**
 * `npm run bench:reflow`: live ReFlow on every 2D preset — straightness of 1-RF (the exact flow) and 2-RF, and
 * mean exact log-likelihood and sliced W2 at 1/2/4/8 ReFlow (RF Euler) steps for both (Liu et al. 2023).
 */
import { createSandbox } from '../src/index';

const STEPS = [1, 2, 4, 8];
const COUNT = 2048;

async function main() {
  const sandbox = await createSandbox();
  const rows: string[] = [
    `Pairs: 10 000 per reflow from a 64-step Heun solve of the exact flow; fit by kernel regression (bandwidth by held-out error). ${COUNT} samples per cell, seed 5. Cell: mean log-likelihood (nats) / sliced W2 to fresh target samples.`,
    '',
  ];
  for (const world of sandbox.worlds.filter((w) => w.kind === '2d' && /^gmm:[a-z0-9]+$/.test(w.id))) {
    const started = performance.now();
    const result = await sandbox.reflow({ world: world.id, seed: 1 });
    const seconds = (performance.now() - started) / 1000;
    const target = sandbox.evaluate({
      world: world.id,
      samples: sandbox.targetSamples({ world: world.id, count: COUNT, seed: 6 }),
    });
    rows.push(
      `## ${world.id}`,
      '',
      `Straightness S: 1-RF ${result.straightnessBefore.toFixed(4)}, 2-RF ${result.straightnessAfter.toFixed(4)}; bandwidth ${result.bandwidth}; reflow took ${seconds.toFixed(1)} s. Target's own: ${target.logLikelihood.toFixed(2)} / ${target.slicedW2.toFixed(3)}.`,
      '',
    );
    rows.push(
      `| flow | ${STEPS.map((s) => `${s} step${s > 1 ? 's' : ''}`).join(' | ')} |`,
      `|---|${STEPS.map(() => '---').join('|')}|`,
    );
    for (const [label, id] of [
      ['1-RF (exact flow)', world.id],
      ['2-RF (reflowed)', result.world],
    ]) {
      const cells: string[] = [];
      for (const steps of STEPS) {
        const r = await sandbox.sample({ world: id, sampler: 'reflow', steps, count: COUNT, seed: 5 });
        const m = sandbox.evaluate({ world: world.id, samples: r.samples });
        cells.push(`${m.logLikelihood.toFixed(2)} / ${m.slicedW2.toFixed(3)}`);
      }
      rows.push(`| ${label} | ${cells.join(' | ')} |`);
    }
    rows.push('');
  }
  const info = sandbox.gpu.resources.adapter.info;
  sandbox.destroy();
  return { table: rows.join('\n'), adapter: `${info.vendor} ${info.architecture}`.trim() };
}

(window as unknown as { benchResult: Promise<unknown> }).benchResult = main();
