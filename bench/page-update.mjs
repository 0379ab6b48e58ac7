#!/usr/bin/env node
/* global setTimeout, setInterval, clearInterval, location -- Node timers; location in page callbacks */
// The built page before and after the fused executor, side by side in one run (headless Chromium, WebGPU):
//   - the default page's first load: time to the first dots, time to the complete page (every panel done, every
//     readout filled in), the GPU process's CPU time for both, and the load's GPU work (compute dispatches by
//     pipeline, passes, submissions, shader modules and pipelines, what was compiled before the first dots);
//   - one live update at 3 panels × 4096 particles × 50 steps: panel 1's steps box changed, until its new samples
//     are drawn (its trajectory is read back for the scrubber);
//   - the same 2D run through the public API (Euler, 4096 × 50, with trajectory), without the page around it.
// "Before" is the parent of the commit that added src/sampling/run-fused.ts, exported and built in a temporary
// folder (build-before.mjs); "after" is this checkout's dist/. Every page load gets a fresh browser (a new GPU
// process, so no shader or pipeline cache survives from an earlier load), and the two builds alternate within each
// round, their order swapped every round (the machine is shared: wall time swings 2–5× between identical runs).
// The GPU process's CPU time is read from /proc/<pid>/task/*/schedstat (docs/measured.md): the stable figure here.
// Counters come from page-probe.mjs, injected into both builds alike. Writes bench/results/page-update.md.
// Usage: npm run bench:page [-- rounds, default 5] (builds dist/ first); REPLAY=<raw json> writes the tables again
// from the measurements a run left in the temporary folder (page-update-raw.json), without measuring (the header
// then shows the date and load average of the replay).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { preview } from 'vite';
import { buildCommit, commitBefore } from './build-before.mjs';
import { launchWebGpuChromium, resultHeader, writeResult } from './browser.mjs';
import { cpuNs, gpuProcessPid } from './cpu-time.mjs';
import { probePage } from './page-probe.mjs';

const ROUNDS = Math.max(1, Number(process.argv[2] ?? 5));
const UPDATES_PER_ROUND = 3;
const FUSED_FILE = 'src/sampling/run-fused.ts';
/** The view's own compute pass (the heatmap of the target's log-density): drawing, not the page's 2D runs. */
const VIEW_COMPUTE = new Set(['log-density']);
/** The update case: Euler 50 steps (the panel that changes), Heun 5, η-SDE 10; both builds read this hash alike. */
const UPDATE_HASH =
  '#world=gmm:ring8&seed=42&count=4096&p=euler:50:karras:0~heun:5:karras:0~sde:10:karras:1&equal=0&nfe=10&smax=80&smin=0.002&rho=7&traj=0';
/** Today's first-load story (src/state/stories.ts: Euler 10, Heun 5, AMED-Solver 3) as the after build writes it into
 *  the URL; the before build had Euler, Heun and the η-SDE. The run checks the after build still writes this. */
const TODAY_DEFAULT_HASH =
  '#world=gmm:ring8&seed=42&count=2048&p=euler:10:karras:0~heun:5:karras:0~amed:3:time_uniform:0&equal=0&nfe=10&smax=80&smin=0.002&rho=7&traj=0';
const API_RUN = { world: 'gmm:ring8', sampler: 'euler', steps: 50, count: 4096, trajectory: true };
const LOAD_TIMEOUT_MS = 600_000;
/** The default page's particle count (both builds), for its reference solve alone. */
const DEFAULT_COUNT = 2048;
/** How long the complete page is left idle to measure what the GPU process spends on a page that does nothing. */
const IDLE_MS = 2000;
/** Loads that failed (the browser's WebGPU gone) are retried in a fresh browser, and counted in the result. */
const MAX_ATTEMPTS = 3;

if (!existsSync('dist/index.html')) throw new Error('dist/ is missing: run `npx vite build` first');
const before = commitBefore(FUSED_FILE);
const builds = [
  { name: 'before', dist: buildCommit(before.sha), commit: before.describe },
  { name: 'after', dist: path.resolve('dist'), commit: 'this checkout' },
];
for (const build of builds) {
  build.server = await preview({
    configFile: false,
    root: path.dirname(build.dist),
    build: { outDir: path.basename(build.dist) },
    preview: { port: 0, host: '127.0.0.1' },
    logLevel: 'error',
  });
  build.url = `http://127.0.0.1:${build.server.httpServer.address().port}/`;
  build.loads = [];
  build.updates = [];
  build.apiRuns = [];
  build.failures = [];
  build.partFailures = [];
}

/** The browser's version line, for the header. */
let version;
/** The before build's first loads on today's default panels (the comparison column). */
const samePanels = [];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A fresh browser on `hash`, probed, until the page is complete. cpu[mark] is the GPU process's CPU ms since
 *  navigation began, read when the page reached the mark. */
async function openPage(build, hash) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await openPageOnce(build, hash);
    } catch (e) {
      build.failures.push(String(e.message ?? e).split('\n')[0]);
      console.error(`${build.name}: load attempt ${attempt} failed: ${build.failures.at(-1)}`);
      if (attempt === MAX_ATTEMPTS) throw e;
    }
  }
}

async function openPageOnce(build, hash) {
  const browser = await launchWebGpuChromium({ dumpio: process.env.BENCH_DUMPIO === '1' });
  try {
    version ??= await browser.version();
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 1000 });
    let failed;
    const failure = new Promise((_, reject) => (failed = reject));
    // A healthy load logs no errors; a lost WebGPU instance (seen here under heavy load) logs one and then waits.
    page.on('console', (m) => {
      if (m.type() === 'error') failed(new Error(`${build.name} page console error: ${m.text()}`));
      else if (m.type() === 'warn') console.error(`${build.name} page warning:`, m.text());
    });
    page.on('pageerror', (e) => failed(new Error(`${build.name} page error: ${e.message}`)));
    let gpuPid;
    for (let tries = 0; gpuPid === undefined; tries++) {
      try {
        gpuPid = gpuProcessPid(browser.process().pid);
      } catch (e) {
        if (tries > 50) throw e;
        await sleep(100);
      }
    }
    const cpu = {};
    let start = 0;
    await page.exposeFunction('__pageBenchMark', (name) => (cpu[name] = (cpuNs(gpuPid) - start) / 1e6));
    await page.evaluateOnNewDocument(probePage);
    start = cpuNs(gpuPid);
    await page.goto(build.url + hash);
    // A GPU process that died (Chromium then turns WebGPU off) would otherwise leave the page waiting forever.
    const watchdog = setInterval(() => {
      if (!existsSync(`/proc/${gpuPid}`)) failed(new Error(`${build.name}: the GPU process ended during the load`));
    }, 1000);
    await Promise.race([
      failure,
      page.waitForFunction(() => typeof window.__pageBench?.marks.complete === 'object', {
        timeout: LOAD_TIMEOUT_MS,
        polling: 200,
      }),
    ]).finally(() => clearInterval(watchdog));
    // The mark's callback may still be on its way back.
    while (cpu.complete === undefined) await sleep(10);
    const log = await page.evaluate(() => window.__pageBench);
    return { browser, page, gpuPid, cpu, log };
  } catch (e) {
    await browser.close();
    throw e;
  }
}

/** A first load; `hash` empty for the build's own default page. The parts are measured only when `loads` is the
 *  build's own list (the comparison column skips them to keep the run short). */
async function defaultLoad(build, round, hash = '', loads = build.loads) {
  const { browser, page, gpuPid, cpu, log } = await openPage(build, hash);
  try {
    build.adapter ??= await page.evaluate(async () => {
      const a = await navigator.gpu.requestAdapter();
      return a ? `${a.info.vendor} ${a.info.architecture}` : 'none';
    });
    const { firstDots, complete } = log.marks;
    console.log(
      `${build.name}${hash ? " (today's panels)" : ''} default page: first dots ${firstDots.at.toFixed(0)} ms (${cpu.firstDots.toFixed(0)} ms GPU-process CPU), complete ${complete.at.toFixed(0)} ms (${cpu.complete.toFixed(0)} ms), ${twoD(complete.dispatches)} 2D dispatches`,
    );
    if (!hash) build.hash = await page.evaluate(() => location.hash);
    if (loads !== build.loads) return void loads.push({ cpu, log });
    // The parts, on the same page once it is complete (every pipeline compiled by then).
    const measure = async (run) => {
      const before = cpuNs(gpuPid);
      const wall = await run();
      return { cpu: (cpuNs(gpuPid) - before) / 1e6, wall };
    };
    const idle = await measure(async () => (await sleep(IDLE_MS), IDLE_MS));
    // A new seed in the URL: every panel runs again and the reference is solved again, with warm pipelines.
    // A panel can fail here (the before build sometimes shows every panel in error after the seed change, its
    // reference solve lost): that part is then left out of this load's figures, and counted.
    const again = await measure(() =>
      page.evaluate(async (seed) => {
        const log = window.__pageBench;
        const start = performance.now();
        location.hash = location.hash.replace(/seed=\d+/, `seed=${seed}`);
        const seen = new Set();
        await new Promise((resolve, reject) => {
          const poll = () => {
            const statuses = log.panelStatuses();
            statuses.forEach((status, i) => status !== 'done' && seen.add(i));
            if (statuses.some((status) => status === 'error' || status === 'stopped'))
              reject(new Error(`panels ${statuses.join(', ')} after the seed change`));
            else if (seen.size === statuses.length && log.pageComplete()) resolve();
            else setTimeout(poll, 25);
          };
          poll();
        });
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        return performance.now() - start;
      }, 1000 + round),
    ).catch((e) => {
      build.partFailures.push(String(e.message ?? e).split('\n')[0]);
      return null;
    });
    const reference = await measure(() =>
      page.evaluate(
        async (request) => {
          const sandbox = await window.sandbox;
          const start = performance.now();
          await sandbox.reference(request);
          return performance.now() - start;
        },
        { world: 'gmm:ring8', seed: 2000 + round, count: DEFAULT_COUNT },
      ),
    ).catch((e) => {
      build.partFailures.push(String(e.message ?? e).split('\n')[0]);
      return null;
    });
    build.loads.push({ cpu, log, idle, again, reference });
  } finally {
    await browser.close();
  }
}

async function updateSession(build, round) {
  const { browser, page, gpuPid } = await openPage(build, UPDATE_HASH);
  try {
    for (let k = 1; k <= UPDATES_PER_ROUND; k++) {
      // A step count not run before in this page, so the run cache cannot answer.
      const steps = 50 + round * UPDATES_PER_ROUND + k;
      const cpuBefore = cpuNs(gpuPid);
      const r = await page.evaluate(async (steps) => {
        const log = window.__pageBench;
        const dispatched = () => Object.values(log.dispatches).reduce((a, b) => a + b, 0);
        const panel = document.querySelector('sandbox-app').shadowRoot.querySelector('sampler-panel').shadowRoot;
        const input = panel.querySelector('panel-controls').shadowRoot.querySelector('input[type=number]');
        const readout = () => panel.querySelector('run-readout').shadowRoot;
        const d0 = dispatched();
        const start = performance.now();
        input.value = String(steps);
        input.dispatchEvent(new Event('change'));
        await new Promise((resolve) => {
          const check = () => {
            const status = panel.querySelector('.status').getAttribute('data-status');
            const nfe = readout().querySelector('[data-field="nfe"]').textContent.trim();
            if (nfe === String(steps) && status !== 'running') resolve();
            else setTimeout(check, 25);
          };
          setTimeout(check, 25);
        });
        // The view draws on the animation frame after the result lands.
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        return { ms: performance.now() - start, dispatches: dispatched() - d0 };
      }, steps);
      build.updates.push({ ...r, cpu: (cpuNs(gpuPid) - cpuBefore) / 1e6 });
      console.log(
        `${build.name} update to ${steps} steps: ${r.ms.toFixed(0)} ms, ${build.updates.at(-1).cpu.toFixed(0)} ms GPU-process CPU, ${r.dispatches} dispatches`,
      );
    }
    for (let k = 1; k <= UPDATES_PER_ROUND; k++) {
      const seed = 1000 + round * UPDATES_PER_ROUND + k;
      const cpuBefore = cpuNs(gpuPid);
      const r = await page.evaluate(
        async (request) => {
          const log = window.__pageBench;
          const dispatched = () => Object.values(log.dispatches).reduce((a, b) => a + b, 0);
          const sandbox = await window.sandbox;
          const d0 = dispatched();
          const start = performance.now();
          const result = await sandbox.sample(request);
          return {
            ms: performance.now() - start,
            dispatches: dispatched() - d0,
            records: result.trajectory?.length ?? 0,
          };
        },
        { ...API_RUN, seed },
      );
      build.apiRuns.push({ ...r, cpu: (cpuNs(gpuPid) - cpuBefore) / 1e6 });
    }
  } finally {
    await browser.close();
  }
}

/** Compute dispatches of the page's 2D runs (all but the view's heatmap). */
function twoD(dispatches) {
  return Object.entries(dispatches).reduce((a, [label, n]) => a + (VIEW_COMPUTE.has(label) ? 0 : n), 0);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const range = (xs, digits = 0) => `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}`;
/** A part a build could not measure in any round (its seed change failed each time) has no figure. */
const cell = (xs) => (xs.length ? `${median(xs).toFixed(0)} (${range(xs)})` : '—');
const ratio = (b, a) => (b.length && a.length ? `${(median(b) / median(a)).toFixed(2)}×` : '—');
/** One value if every round agreed, else the range. */
const same = (xs) => (Math.min(...xs) === Math.max(...xs) ? String(xs[0]) : range(xs));

/** What the first load compiled before its first dots: shader modules by label (a label twice with the same WGSL is
 *  the same kernel compiled twice), and the time during which at least one compute pipeline was compiling. */
function compiledBeforeDots(log) {
  const until = log.marks.firstDots.at;
  const modules = log.modules.filter((m) => m.at <= until);
  const seen = new Map();
  for (const m of modules) seen.set(m.hash, (seen.get(m.hash) ?? 0) + 1);
  const repeats = [...seen.values()].filter((n) => n > 1).length;
  const spans = log.pipelines
    .filter((p) => p.kind === 'compute' && p.start <= until && Number.isFinite(p.end))
    .map((p) => [p.start, Math.min(p.end, until)])
    .sort((a, b) => a[0] - b[0]);
  let busy = 0;
  let reach = -Infinity;
  for (const [s, e] of spans) {
    if (e > reach) busy += e - Math.max(s, reach);
    reach = Math.max(reach, e);
  }
  const serialMs = spans.reduce((total, [s, e]) => total + e - s, 0);
  // The fused kernel must not wait for the world's per-instruction kernel to finish before it starts compiling.
  const compute = log.pipelines.filter((p) => p.kind === 'compute');
  const fused = compute.find((p) => p.label.startsWith('fused ') && p.start <= until);
  const perInstruction = compute.find((p) => p.label === 'gmm-denoise');
  const fusedQueued = Boolean(fused && perInstruction && fused.start >= perInstruction.end);
  return { modules, repeats, busyMs: busy, overlapMs: serialMs - busy, fusedQueued };
}

const RAW_FILE = path.join(os.tmpdir(), 'page-update-raw.json');
const REPLAY = process.env.REPLAY;
let rounds = ROUNDS;
/** What a build measured (no server). */
const measured = ({ name, commit, adapter, hash, loads, updates, apiRuns, failures, partFailures }) => ({
  name,
  commit,
  adapter,
  hash,
  loads,
  updates,
  apiRuns,
  failures,
  partFailures,
});
if (REPLAY) {
  const raw = JSON.parse(readFileSync(REPLAY, 'utf8'));
  version = raw.version;
  rounds = raw.rounds;
  samePanels.push(...raw.samePanels);
  raw.builds.forEach((data, k) => Object.assign(builds[k], data));
}
try {
  for (let round = 0; round < (REPLAY ? 0 : ROUNDS); round++) {
    const order = round % 2 === 0 ? builds : [...builds].reverse();
    for (const build of order) {
      await defaultLoad(build, round);
      // The before build on today's first-load panels, right after its own default page.
      if (build === builds[0]) await defaultLoad(build, round, TODAY_DEFAULT_HASH, samePanels);
    }
    for (const build of order) await updateSession(build, round);
  }
  // The measurements as they are, so the tables can be written again without measuring (REPLAY=<this file>).
  if (!REPLAY)
    writeFileSync(RAW_FILE, JSON.stringify({ rounds: ROUNDS, version, samePanels, builds: builds.map(measured) }));

  const [b, a] = builds;
  if (a.hash !== TODAY_DEFAULT_HASH) console.error(`the after build's default page is now ${a.hash}`);
  const loadRows = [];
  const metric = (label, pick, unit = '') => {
    const [xb, xs, xa] = [b.loads, samePanels, a.loads].map((loads) => loads.map(pick));
    loadRows.push(
      `| ${label}${unit} | ${cell(xb)} | ${cell(xs)} | ${cell(xa)} | **${ratio(xb, xa)}** | **${ratio(xs, xa)}** |`,
    );
  };
  metric('time to first dots', (l) => l.log.marks.firstDots.at, ', ms wall');
  metric('GPU-process CPU to first dots', (l) => l.cpu.firstDots, ', ms');
  metric('time to the complete page', (l) => l.log.marks.complete.at, ', ms wall');
  metric('GPU-process CPU to the complete page', (l) => l.cpu.complete, ', ms');

  const partRows = [];
  // Each part from the loads that measured what it reads (a failed seed change leaves `again` out, not the rest).
  const part = (label, pick, needs = ['again']) => {
    const [xb, xa] = [b, a].map((build) => build.loads.filter((l) => needs.every((k) => l[k])).map(pick));
    partRows.push(`| ${label} | ${cell(xb)} | ${cell(xa)} | ${ratio(xb, xa)} |`);
  };
  part('idle complete page, GPU-process CPU ms per second', (l) => l.idle.cpu / (IDLE_MS / 1000), ['idle']);
  part('complete again after a seed change (warm), ms wall', (l) => l.again.wall);
  part('complete again after a seed change (warm), GPU-process CPU ms', (l) => l.again.cpu);
  part(`the RK4 reference alone (${DEFAULT_COUNT} particles, warm), ms wall`, (l) => l.reference.wall, ['reference']);
  part(`the RK4 reference alone (${DEFAULT_COUNT} particles, warm), GPU-process CPU ms`, (l) => l.reference.cpu, [
    'reference',
  ]);
  part('first load minus complete again (start-up, compilation, calibration), GPU-process CPU ms', (l) =>
    Math.max(0, l.cpu.complete - l.again.cpu),
  );

  const workRows = [];
  const work = (label, pick) =>
    workRows.push(
      `| ${label} | ${[b.loads, samePanels, a.loads].map((loads) => same(loads.map((l) => pick(l.log)))).join(' | ')} |`,
    );
  work('compute dispatches for 2D runs, to the complete page', (log) => twoD(log.marks.complete.dispatches));
  work('… of which before the first dots', (log) => twoD(log.marks.firstDots.dispatches));
  work("the view's compute dispatches (log-density heatmap), to complete", (log) =>
    Object.entries(log.marks.complete.dispatches).reduce((s, [k, n]) => s + (VIEW_COMPUTE.has(k) ? n : 0), 0),
  );
  work('compute passes, to complete', (log) => log.marks.complete.passes);
  work('queue submissions, to complete', (log) => log.marks.complete.submits);
  work('shader modules created, to complete', (log) => log.marks.complete.modules);
  work('pipelines created (compute + render), to complete', (log) => log.marks.complete.pipelines);
  work('shader modules created before the first dots', (log) => compiledBeforeDots(log).modules.length);
  work('… the same WGSL compiled more than once before the first dots', (log) => compiledBeforeDots(log).repeats);
  const busyRow = [b.loads, samePanels, a.loads].map((loads) =>
    cell(loads.map((l) => compiledBeforeDots(l.log).busyMs)),
  );
  const overlapRow = [b.loads, samePanels, a.loads].map((loads) =>
    cell(loads.map((l) => compiledBeforeDots(l.log).overlapMs)),
  );
  const queuedRow = [b.loads, samePanels, a.loads].map(
    (loads) => `${loads.filter((l) => compiledBeforeDots(l.log).fusedQueued).length} of ${loads.length}`,
  );
  workRows.push(
    `| ms before the first dots with a compute pipeline compiling (wall, median (min–max)) | ${busyRow.join(' | ')} |`,
    `| … of which two or more compiled at once (sum of the compilations minus that, ms) | ${overlapRow.join(' | ')} |`,
    `| loads whose fused kernel started compiling only after gmm-denoise had compiled | ${queuedRow.join(' | ')} |`,
  );

  const labelRows = [];
  const columns = [b.loads, samePanels, a.loads].map((loads) => loads.at(-1).log);
  const labels = [...new Set(columns.flatMap((log) => Object.keys(log.marks.complete.dispatches)))].sort();
  for (const label of labels)
    labelRows.push(`| ${label} | ${columns.map((log) => log.marks.complete.dispatches[label] ?? 0).join(' | ')} |`);
  const dotsModules = [columns[0], columns[2]].map((log) =>
    compiledBeforeDots(log)
      .modules.map((m) => m.label || '(no label)')
      .join(', '),
  );

  const updateRows = [];
  const runRow = (label, pick) => {
    const [xb, xa] = [b, a].map(pick);
    updateRows.push(`| ${label} | ${cell(xb)} | ${cell(xa)} | **${ratio(xb, xa)}** |`);
  };
  runRow('page update, ms wall', (build) => build.updates.map((u) => u.ms));
  runRow('page update, ms GPU-process CPU', (build) => build.updates.map((u) => u.cpu));
  runRow('API run, ms wall', (build) => build.apiRuns.map((u) => u.ms));
  runRow('API run, ms GPU-process CPU', (build) => build.apiRuns.map((u) => u.cpu));
  updateRows.push(
    `| compute dispatches per update | ${same(b.updates.map((u) => u.dispatches))} | ${same(a.updates.map((u) => u.dispatches))} | |`,
    `| compute dispatches per API run | ${same(b.apiRuns.map((u) => u.dispatches))} | ${same(a.apiRuns.map((u) => u.dispatches))} | |`,
  );

  const m = (xs) => median(xs);
  // Counted from the loads, so a replay of a run that did not keep the messages still counts them.
  const partsFailed = (build) => build.loads.filter((l) => !l.again || !l.reference).length;
  const partMessages = [...new Set([...(b.partFailures ?? []), ...(a.partFailures ?? [])])];
  const cpuOwn = m(b.loads.map((l) => l.cpu.complete)) / m(a.loads.map((l) => l.cpu.complete));
  const cpuSame = m(samePanels.map((l) => l.cpu.complete)) / m(a.loads.map((l) => l.cpu.complete));
  const withReference = (loads) => loads.filter((l) => l.reference);
  const referenceShare =
    m(withReference(a.loads).map((l) => l.reference.cpu)) / m(withReference(a.loads).map((l) => l.cpu.complete));
  const referenceRatio =
    m(withReference(b.loads).map((l) => l.reference.cpu)) / m(withReference(a.loads).map((l) => l.reference.cpu));
  const repeats = Math.max(...a.loads.map((l) => compiledBeforeDots(l.log).repeats));
  const queued = a.loads.filter((l) => compiledBeforeDots(l.log).fusedQueued).length;
  const dotsCompiles = Math.max(...a.loads.map((l) => compiledBeforeDots(l.log).modules.length));
  const firstLoad = Math.max(...a.loads.map((l) => twoD(l.log.marks.complete.dispatches)));
  const byLabel = Object.entries(a.loads.at(-1).log.marks.complete.dispatches)
    .filter(([label]) => !VIEW_COMPUTE.has(label))
    .map(([label, n]) => `${n} ${label}`)
    .join(', ');
  const apiRatio = m(b.apiRuns.map((u) => u.cpu)) / m(a.apiRuns.map((u) => u.cpu));
  const updateRatio = m(b.updates.map((u) => u.cpu)) / m(a.updates.map((u) => u.cpu));
  const verdict = (met, text) => `- ${met ? 'Met' : '**Not met**'}: ${text}`;
  const verdicts = [
    verdict(
      cpuOwn >= 3 && cpuSame >= 3,
      `complete default page at 3× less GPU-process CPU: ${cpuOwn.toFixed(2)}× against the before build's own default page, ${cpuSame.toFixed(2)}× against it on today's panels. The RK4 reference alone is ${(100 * referenceShare).toFixed(0)} % of the after page's GPU-process CPU, ${referenceRatio.toFixed(2)}× less than before (fused, and at the after build's own step count): its cost is its mixture evaluations per particle, not dispatches.`,
    ),
    verdict(
      repeats === 0 && queued === 0,
      `shader compilation on the first dots' path at most once per kernel: ${repeats} kernels compiled twice before the first dots (${dotsCompiles} shader modules, with the view's), and in ${queued} of ${a.loads.length} loads the fused kernel waited for gmm-denoise to compile before starting its own.`,
    ),
    verdict(
      firstLoad <= 100,
      `first page load at most 100 dispatches for its 2D work: ${firstLoad} (${byLabel}; gmm-denoise: AMED-Solver's forward calibration, one dispatch per round of its search, before its panel can run).`,
    ),
    verdict(
      apiRatio >= 3,
      `a 2D run with trajectory at 4096 × 50 at 3× less than the executor before: ${apiRatio.toFixed(2)}× less GPU-process CPU through the API; as a page update (the same run plus the readback, metrics and redraw) ${updateRatio.toFixed(2)}×.`,
    ),
  ];

  const header = await resultHeader(
    'Page: first load and live update, before and after the fused executor',
    '`npm run bench:page` (`npx vite build && node bench/page-update.mjs`)',
    { version: () => version },
    a.adapter,
    [
      `- Builds: **before** = ${b.commit} (the parent of ${before.addedBy.slice(0, 7)}, which added ${FUSED_FILE}; exported with`,
      '  `git archive` and built in a temporary folder), **after** = this checkout. Each serves its own dist/.',
      `- Method: ${rounds} rounds; in each, the default page's first load in each build, then an update session in each`,
      '  build, the builds alternating, their order swapped every round. Every page load gets a fresh browser, so a new GPU',
      '  process compiles every shader again (no pipeline cache carries over). Tables give the median and (min–max).',
      "- Default pages: each build's own first load (no URL hash): before, Euler 10 / Heun 5 / η-SDE 10; after, Euler 10 /",
      "  Heun 5 / AMED-Solver 3 (its forward calibration runs on first use). **Before, today's panels**: the before build",
      "  on today's set through the URL, right after its own default page in each round (the parts are not measured there).",
      "- GPU-process CPU: the first field of /proc/<pid>/task/<tid>/schedstat summed over the threads of Chromium's",
      '  --type=gpu-process (SwiftShader runs the shaders there), from just before navigation to the mark (first',
      '  load), or around one update: the stable figure on this shared machine; wall time swings with the load.',
      "- Counters (bench/page-probe.mjs, injected before the page's scripts into both builds): GPUComputePassEncoder",
      '  dispatches by pipeline label, compute passes, queue submissions, createShaderModule and create*Pipeline(Async).',
      '- First dots: the first panel whose view has samples to draw, two animation frames later. Complete: every panel',
      '  done (samples and metrics) with every readout filled in, including its RMSE to the RK4 reference, two frames later.',
      `- Update: ${UPDATES_PER_ROUND} per round per build on \`${UPDATE_HASH}\`: panel 1's (Euler) steps box set to a new count near 50;`,
      '  from the change event until its run is done and drawn. Only that panel runs again, with its trajectory read back.',
      `- API run: \`sandbox.sample(${JSON.stringify(API_RUN)})\` with a new seed each time, on the same page.`,
      `- Seed changes or reference solves that failed (left out of the parts table): before ${partsFailed(b)}, after ${partsFailed(a)}${partMessages.length ? ` (${partMessages.join('; ')})` : ''}.`,
      `- Loads that failed and were retried in a fresh browser: before ${b.failures.length}, after ${a.failures.length}${[...b.failures, ...a.failures].length ? ` (${[...new Set([...b.failures, ...a.failures])].join('; ')})` : ''}.`,
    ],
  );
  writeResult(
    'page-update.md',
    [
      header.trimEnd(),
      '',
      '## The default page, first load',
      '',
      "| | before | before, today's panels | after | before / after | before, today's panels / after |",
      '|---|---|---|---|---|---|',
      ...loadRows,
      '',
      'Where the GPU-process CPU of a load goes, measured on the same page once it was complete:',
      '',
      '| part | before | after | before / after |',
      '|---|---|---|---|',
      ...partRows,
      '',
      "| GPU work of the first load | before | before, today's panels | after |",
      '|---|---|---|---|',
      ...workRows,
      '',
      'Compute dispatches by pipeline label, first load to the complete page (last round):',
      '',
      "| pipeline | before | before, today's panels | after |",
      '|---|---|---|---|',
      ...labelRows,
      '',
      `Shader modules created before the first dots (last round). Before: ${dotsModules[0]}. After: ${dotsModules[1]}.`,
      '',
      '## One live update at 3 panels × 4096 particles × 50 steps',
      '',
      '(The η-SDE panel of this page is not run again by an update.)',
      '',
      '| | before | after | before / after |',
      '|---|---|---|---|',
      ...updateRows,
      '',
      '## Verdict against the done-when of the speed issue',
      '',
      ...verdicts,
      '',
    ].join('\n'),
  );
} finally {
  for (const build of builds) await build.server.close();
}
