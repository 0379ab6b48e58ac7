#!/usr/bin/env node
// The fused executor against the per-instruction one (bench/fused.ts), for Euler, Heun and DPM++(2M) at 4096
// particles × 50 steps with trajectory on gmm:ring8, plus the RK4 reference solve of the first page load.
// Configurations are interleaved round-robin (the machine is shared: wall time swings 2–5× between identical runs),
// and each run is measured by the CPU time of Chromium's GPU process (SwiftShader runs the shaders there): the first
// field of /proc/<pid>/task/*/schedstat, summed, before and after (docs/measured.md). Writes bench/results/fused-executor.md.
// Usage: node bench/fused.mjs [rounds, default 5]
import { cpuNs, gpuProcessPid, launchWebGpuChromium, resultHeader, startDevServer, writeResult } from './browser.mjs';

const ROUNDS = Math.max(3, Number(process.argv[2] ?? 5));
/** `quick`: the three samplers only (for trying kernel variants; the committed result has the reference too). */
const QUICK = process.argv[3] === 'quick';
const COUNT = 4096;
const CASES = [
  { sampler: 'euler', label: 'Euler', steps: 50, count: COUNT, trajectory: true },
  { sampler: 'heun', label: 'Heun', steps: 50, count: COUNT, trajectory: true },
  { sampler: 'dpmpp_2m', label: 'DPM++(2M)', steps: 50, count: COUNT, trajectory: true },
  // Brownian noise at every step (η = 1): the tree descent dominates either way.
  { sampler: 'sde', label: 'η-SDE (η = 1)', steps: 50, count: COUNT, trajectory: true },
  // A small run, where the fixed cost per dispatch is a larger share.
  { sampler: 'euler', label: 'Euler, 256 particles', steps: 50, count: 256, trajectory: true },
  { sampler: 'rk4', label: 'RK4 reference (1000 steps)', steps: 1000, count: COUNT, trajectory: false },
].filter((c) => !QUICK || c.sampler !== 'rk4');
const EXECUTORS = ['fused', 'per-instruction'];

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const spread = (xs) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;

const server = await startDevServer();
const browser = await launchWebGpuChromium();
try {
  const tab = await browser.newPage();
  tab.on('console', (m) => m.type() === 'error' && console.error('page:', m.text()));
  tab.on('pageerror', (e) => console.error('page error:', e.message));
  await tab.goto(`${server.url}/bench/fused.html`);
  await tab.waitForFunction(() => window.benchFused !== undefined);
  const adapter = await tab.evaluate(() => window.benchFused.adapter());
  const gpuPid = gpuProcessPid(browser.process().pid);
  const configs = CASES.flatMap((c) => EXECUTORS.map((executor) => ({ ...c, executor })));
  const measured = new Map(configs.map((c) => [c, { cpu: [], wall: [], gpu: [], dispatches: 0, deviation: 0 }]));
  // Warm-up: compile every pipeline and fill the buffer pool, unmeasured.
  for (const c of configs) await tab.evaluate((c) => window.benchFused.run(c), c);
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of configs) {
      const before = cpuNs(gpuPid);
      const r = await tab.evaluate((c) => window.benchFused.run(c), c);
      const after = cpuNs(gpuPid);
      const m = measured.get(c);
      m.cpu.push((after - before) / 1e6);
      m.wall.push(r.wallMs);
      m.gpu.push(r.gpuMs);
      m.dispatches = r.dispatches;
      m.deviation = Math.max(m.deviation, r.deviation);
      console.log(
        `round ${round + 1} ${c.sampler} ${c.executor}: ${m.cpu.at(-1).toFixed(0)} ms GPU-process CPU, ${r.wallMs.toFixed(0)} ms wall, ${r.dispatches} dispatches`,
      );
    }
  }
  const rows = [];
  for (const c of CASES) {
    const [fused, oracle] = EXECUTORS.map((executor) =>
      measured.get(configs.find((x) => x.label === c.label && x.executor === executor)),
    );
    for (const [executor, m] of [
      ['fused', fused],
      ['per-instruction', oracle],
    ]) {
      rows.push(
        `| ${c.label} | ${executor} | ${m.dispatches} | ${median(m.cpu).toFixed(0)} | ${spread(m.cpu)} | ${median(m.wall).toFixed(0)} | ${spread(m.wall)} | ${median(m.gpu).toFixed(0)} |`,
      );
    }
    rows.push(
      `| ${c.label} | **ratio** (per-instruction / fused) | ${(oracle.dispatches / fused.dispatches).toFixed(0)}× | **${(median(oracle.cpu) / median(fused.cpu)).toFixed(2)}×** | | ${(median(oracle.wall) / median(fused.wall)).toFixed(2)}× | | max deviation ${Math.max(fused.deviation, oracle.deviation)} |`,
    );
  }
  const header = await resultHeader(
    'Fused executor vs per-instruction executor (2D plans)',
    '`node bench/fused.mjs`',
    browser,
    adapter,
    [
      `- What: gmm:ring8, ${COUNT} particles, Karras grid, seed 7; Euler/Heun/DPM++(2M) at 50 steps with trajectory (x_t and D(x_t)`,
      '  written and read back at every step; the η-SDE at η = 1, and Euler at 256 particles too), and the RK4 reference plan',
      '  (4001 evaluations, the bulk of the first page load) without trajectory. Each configuration ran',
      `  once to warm up, then ${ROUNDS} rounds, the configurations interleaved round-robin within each round.`,
      "- GPU-process CPU: the first field of /proc/<pid>/task/<tid>/schedstat summed over the threads of Chromium's",
      '  --type=gpu-process around each run (SwiftShader executes the shaders there, on worker threads): the stable figure',
      "  on this shared, loaded machine (2 cores shared with a PyTorch training job and other engineers' tests).",
      "  Wall: performance.now() around runPlanGpu, readback included. GPU ms: the executor's own figure (wall time",
      '  around each submission here: SwiftShader has no timestamp queries).',
      "- Max deviation: between the two executors' samples of the same run (0 = bit-identical).",
    ],
  );
  writeResult(
    'fused-executor.md',
    [
      header.trimEnd(),
      '',
      '| plan | executor | dispatches | GPU-process CPU ms (median) | min–max | wall ms (median) | min–max | GPU ms (median) |',
      '|---|---|---|---|---|---|---|---|',
      ...rows,
      '',
    ].join('\n'),
  );
} finally {
  await browser.close();
  await server.close();
}
