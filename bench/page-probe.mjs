/* global GPUAdapter, GPUComputePassEncoder, GPUCommandEncoder, GPUQueue, GPUDevice, setTimeout -- page globals */
// What bench/page-update.mjs injects into every page before its scripts run (puppeteer's evaluateOnNewDocument):
// counters on the WebGPU prototypes, so the same probe measures any build of the page, including ones from before
// the bench existed, and marks for "first dots" and "complete" taken from the page's own DOM.
//
// `probePage` is serialised into the page by its source text: it must not use anything from this module's scope.

/** Installs window.__pageBench: compute dispatches by pipeline label, compute passes, submissions, shader modules
 *  and pipelines created (with when, and how long the asynchronous compilations took), and the two marks. Each mark
 *  calls window.__pageBenchMark(name) if the bench exposed it, so the bench can read the GPU process's CPU time
 *  at that moment. */
export function probePage() {
  const POLL_MS = 25;
  const log = { dispatches: {}, passes: 0, submits: 0, modules: [], pipelines: [], marks: {} };
  window.__pageBench = log;
  // FNV-1a of the WGSL: tells a kernel compiled twice from two kernels that share a label.
  const hash = (text) => {
    let h = 2166136261;
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
    return (h >>> 0).toString(16);
  };
  const wrap = (proto, name, make) => {
    const original = proto[name];
    if (typeof original === 'function') proto[name] = make(original);
  };
  // Why a device was lost (the page's own notice says only that it was), for the bench's failure report.
  wrap(
    GPUAdapter.prototype,
    'requestDevice',
    (f) =>
      async function (...args) {
        const device = await f.apply(this, args);
        device.lost.then((info) => console.error(`device lost (${info.reason}): ${info.message}`));
        return device;
      },
  );
  const passPipeline = new WeakMap();
  wrap(
    GPUComputePassEncoder.prototype,
    'setPipeline',
    (f) =>
      function (pipeline) {
        passPipeline.set(this, pipeline.label || '(no label)');
        return f.call(this, pipeline);
      },
  );
  for (const name of ['dispatchWorkgroups', 'dispatchWorkgroupsIndirect'])
    wrap(
      GPUComputePassEncoder.prototype,
      name,
      (f) =>
        function (...args) {
          const label = passPipeline.get(this) ?? '(no pipeline)';
          log.dispatches[label] = (log.dispatches[label] ?? 0) + 1;
          return f.apply(this, args);
        },
    );
  wrap(
    GPUCommandEncoder.prototype,
    'beginComputePass',
    (f) =>
      function (...args) {
        log.passes++;
        return f.apply(this, args);
      },
  );
  wrap(
    GPUQueue.prototype,
    'submit',
    (f) =>
      function (...args) {
        log.submits++;
        return f.apply(this, args);
      },
  );
  wrap(
    GPUDevice.prototype,
    'createShaderModule',
    (f) =>
      function (descriptor) {
        log.modules.push({ label: descriptor.label ?? '', hash: hash(descriptor.code), at: performance.now() });
        return f.call(this, descriptor);
      },
  );
  for (const [name, kind, isAsync] of [
    ['createComputePipeline', 'compute', false],
    ['createComputePipelineAsync', 'compute', true],
    ['createRenderPipeline', 'render', false],
    ['createRenderPipelineAsync', 'render', true],
  ])
    wrap(
      GPUDevice.prototype,
      name,
      (f) =>
        function (descriptor) {
          const entry = { label: descriptor.label ?? '', kind, start: performance.now(), end: NaN };
          log.pipelines.push(entry);
          const made = f.call(this, descriptor);
          if (isAsync) made.then(() => (entry.end = performance.now())).catch(() => {});
          else entry.end = performance.now();
          return made;
        },
    );

  const panels = () => [
    ...(document.querySelector('sandbox-app')?.shadowRoot?.querySelectorAll('sampler-panel') ?? []),
  ];
  const hasDots = (panel) =>
    (panel.shadowRoot?.querySelector('density-view')?.dots ?? []).some((layer) => layer.positions.length > 0);
  // Done (samples and metrics), and every readout filled in ('…' while a value is missing).
  const complete = (panel) => {
    const root = panel.shadowRoot;
    const readout = root?.querySelector('run-readout')?.shadowRoot;
    const fields = [...(readout?.querySelectorAll('dd[data-field]') ?? [])];
    return (
      root?.querySelector('.status')?.getAttribute('data-status') === 'done' &&
      fields.some((f) => f.getAttribute('data-field') === 'rmse') &&
      fields.every((f) => f.textContent.trim() !== '…')
    );
  };
  const frames = (n) =>
    new Promise((resolve) => (n === 0 ? resolve() : requestAnimationFrame(() => frames(n - 1).then(resolve))));
  const mark = async (name) => {
    log.marks[name] = 'pending';
    // The view draws on the animation frame after its properties change: wait for that frame to be presented.
    await frames(2);
    log.marks[name] = {
      at: performance.now(),
      dispatches: { ...log.dispatches },
      passes: log.passes,
      submits: log.submits,
      modules: log.modules.length,
      pipelines: log.pipelines.length,
    };
    await window.__pageBenchMark?.(name);
  };
  // Polled on a timer, not on animation frames: a frame requested every vsync would make the GPU process composite
  // frames the page itself never asked for, and that CPU time would be counted as the page's.
  const watch = async () => {
    const list = panels();
    if (log.marks.firstDots === undefined && list.some(hasDots)) await mark('firstDots');
    if (log.marks.complete === undefined && list.length > 0 && list.every(complete)) return mark('complete');
    setTimeout(watch, POLL_MS);
  };
  setTimeout(watch, POLL_MS);
  // For the bench's later waits: the same test of a complete panel.
  log.pageComplete = () => {
    const list = panels();
    return list.length > 0 && list.every(complete);
  };
  log.panelStatuses = () => panels().map((p) => p.shadowRoot?.querySelector('.status')?.getAttribute('data-status'));
}
