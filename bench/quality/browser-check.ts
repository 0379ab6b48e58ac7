/**
 * Browser side of bench/quality/check_browser.py: runs `Sandbox.sample` (WGSL network, GPU plan executor) for the
 * configs in the page's hash (JSON) and leaves the samples in window.checkResult for puppeteer.
 */
import { createSandbox } from '../../src/index';
import type { SampleOptionsWithout } from '../../src/api/options';

declare global {
  interface Window {
    checkResult?:
      | { adapter: string; runs: Array<{ config: unknown; nfe: number; ms: number; samples: number[] }> }
      | { error: string };
  }
}

async function main() {
  const configs = JSON.parse(decodeURIComponent(location.hash.slice(1))) as Array<
    SampleOptionsWithout<'world'> & { world?: string }
  >;
  const sandbox = await createSandbox();
  const runs = [];
  for (const config of configs) {
    const world = config.world ?? 'fmnist';
    const r = await sandbox.sample({ ...config, world, label: config.label ?? 'mixed' });
    runs.push({ config, nfe: r.nfe, ms: r.ms, samples: Array.from(r.samples) });
  }
  const info = sandbox.gpu.resources.adapter.info;
  window.checkResult = { adapter: `${info.vendor} ${info.architecture} ${info.description}`.trim(), runs };
}

main().catch((e) => (window.checkResult = { error: String(e?.stack ?? e) }));
