#!/usr/bin/env node
// `npm run bench:kernels`: every WGSL kernel of the Fashion-MNIST UNet at its real shape (bench/kernels.ts), with
// the adapter's FMA ceiling and the whole denoiser in the same run. Configurations are interleaved round-robin over
// several rounds (the machine is shared: wall time swings 2–5× between identical runs) and measured by the CPU time
// of Chromium's GPU process, where SwiftShader runs the shaders (bench/cpu-time.mjs, docs/measured.md); medians and
// min–max over the rounds. Writes bench/results/kernels.md.
// Usage: node bench/kernels.mjs [rounds, default 5]
import { cpuNs, gpuProcessPid, median, spread } from './cpu-time.mjs';
import { launchWebGpuChromium, resultHeader, startDevServer, writeResult } from './browser.mjs';

const ROUNDS = Math.max(3, Number(process.argv[2] ?? 5));

const server = await startDevServer();
const browser = await launchWebGpuChromium();
try {
  const tab = await browser.newPage();
  tab.on('console', (m) => m.type() === 'error' && console.error('page:', m.text()));
  tab.on('pageerror', (e) => console.error('page error:', e.message));
  await tab.goto(`${server.url}/bench/kernels.html`);
  await tab.waitForFunction(() => window.benchKernels !== undefined, { timeout: 600_000 });
  const configs = await tab.evaluate(() => window.benchKernels.configs());
  const adapter = await tab.evaluate(() => window.benchKernels.adapter());
  const gpuPid = gpuProcessPid(browser.process().pid);
  const measured = new Map(configs.map((c) => [c.id, { cpu: [], wall: [], dispatches: 0 }]));
  // Warm-up: pipelines compiled, and the page picks each configuration's repetitions.
  for (const c of configs) {
    const before = cpuNs(gpuPid);
    await tab.evaluate((id) => window.benchKernels.run(id), c.id);
    console.log(
      `warm-up ${c.id} (${c.kernel} ${c.value}): ${((cpuNs(gpuPid) - before) / 1e6).toFixed(1)} ms GPU-process CPU`,
    );
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of configs) {
      const before = cpuNs(gpuPid);
      const r = await tab.evaluate((id) => window.benchKernels.run(id), c.id);
      const after = cpuNs(gpuPid);
      const m = measured.get(c.id);
      m.cpu.push((after - before) / 1e6 / r.reps);
      m.wall.push(r.wallMs / r.reps);
      m.dispatches = r.dispatches;
    }
    console.log(`round ${round + 1}/${ROUNDS} done`);
  }
  const cpu = (id) => median(measured.get(id).cpu);
  const rate = (c, ms) =>
    c.flops ? `${(c.flops / ms / 1e6).toFixed(2)} GFLOP/s` : `${(c.bytes / ms / 1e6).toFixed(2)} GB/s`;
  const fma = configs.find((c) => c.id === 'fma');
  const ceiling = fma.flops / cpu('fma') / 1e6;
  const network = configs.find((c) => c.id === 'network');
  const steps = configs.filter((c) => c.id.startsWith('step:'));
  const stepSum = steps.reduce((a, c) => a + cpu(c.id), 0);
  const ms = (xs) => `${median(xs).toFixed(2)} (${spread(xs, 2)})`;
  const rows = steps.map((c) => {
    const m = measured.get(c.id);
    const other = measured.get(c.id.replace('step:', 'other:'));
    const otherConfig = configs.find((x) => x.id === c.id.replace('step:', 'other:'));
    return `| ${c.id.slice(5)} | ${c.kernel} | ${c.value} | ${c.shape} | ${ms(m.cpu)} | ${rate(c, cpu(c.id))} | ${c.flops ? `${((c.flops / cpu(c.id) / 1e6 / ceiling) * 100).toFixed(0)} %` : ''} | ${((cpu(c.id) / stepSum) * 100).toFixed(1)} % | ${other ? `${otherConfig.kernel}: ${median(other.cpu).toFixed(2)} (${(median(other.cpu) / cpu(c.id)).toFixed(2)}×)` : ''} |`;
  });
  // Totals by kernel file.
  const byKernel = new Map();
  for (const c of steps) {
    const k = c.kernel.replace(/ \((concat|projected)\)$/, '');
    const t = byKernel.get(k) ?? { ms: 0, flops: 0, count: 0 };
    t.ms += cpu(c.id);
    t.flops += c.flops;
    t.count++;
    byKernel.set(k, t);
  }
  const kernelRows = [...byKernel]
    .sort((a, b) => b[1].ms - a[1].ms)
    .map(
      ([k, t]) =>
        `| ${k} | ${t.count} | ${t.ms.toFixed(2)} | ${((t.ms / stepSum) * 100).toFixed(1)} % | ${t.flops ? `${(t.flops / t.ms / 1e6).toFixed(2)} GFLOP/s (${((t.flops / t.ms / 1e6 / ceiling) * 100).toFixed(0)} %)` : ''} |`,
    );
  const netCpu = cpu('network');
  const netRate = network.flops / netCpu / 1e6;
  const header = await resultHeader(
    'Kernels of the Fashion-MNIST UNet, each at its real shape',
    '`npm run bench:kernels`',
    browser,
    adapter,
    [
      `- What: the compiled network at 28×28, batch ${16}; each step's dispatch alone (repeated in one submission to ≈ 60 ms`,
      '  of work, the figures per dispatch), the whole denoiser evaluation (EDM entry, inside the embedding step, and exit',
      '  included), the FMA ceiling (shaders/nn/fma-throughput.wgsl), each 3×3 conv on the register tile the network does',
      '  not use for it (a conv with its skip projection fused exists only on the 4-row tile), and each GroupNorm on the',
      '  previous kernel (bench/previous/group-norm-silu-64-lanes.wgsl).',
      `- Method: one warm-up call per configuration, then ${ROUNDS} rounds with the configurations interleaved round-robin;`,
      "  CPU ms = CPU time of Chromium's --type=gpu-process (the first field of /proc/<pid>/task/<tid>/schedstat, summed",
      '  over its threads) around the call, median (min–max over the rounds). Rates are per CPU-second. Share = the',
      "  step's median over the sum of all steps' medians.",
    ],
  );
  const text = [
    header.trimEnd(),
    '',
    `**Ceiling:** ${ceiling.toFixed(2)} GFLOP per CPU-second (FMA chains; ${spread(
      measured.get('fma').cpu.map((x) => fma.flops / x / 1e6),
      2,
    )} over the rounds).`,
    '',
    `**One denoiser evaluation at batch 16:** ${ms(measured.get('network').cpu)} CPU ms, ${measured.get('network').dispatches} dispatches,`,
    `${netRate.toFixed(2)} GFLOP per CPU-second = **${((netRate / ceiling) * 100).toFixed(0)} % of the ceiling** (${(network.flops / 16 / 1e6).toFixed(1)} MFLOP per image).`,
    `Sum of the steps measured alone: ${stepSum.toFixed(2)} ms (${((stepSum / netCpu) * 100).toFixed(0)} % of the evaluation).`,
    '',
    '## By kernel',
    '',
    '| kernel (shaders/nn/*.wgsl) | steps | CPU ms per evaluation | share | rate (of the ceiling) |',
    '|---|---|---|---|---|',
    ...kernelRows,
    '',
    '## Every step',
    '',
    '| step | kernel | output | shape | CPU ms (min–max) | rate | of ceiling | share | other tile or previous kernel: CPU ms (× ours) |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
  writeResult('kernels.md', text);
} finally {
  await browser.close();
  await server.close();
}
