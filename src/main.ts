/**
 * The page entry: starts WebGPU, exposes the public API as `window.sandbox` (a promise, then the ready instance),
 * and shows the sandbox, or a page that says what is missing when WebGPU is not available.
 */
import { createSandbox, WebGpuUnavailableError, type Sandbox } from './index';
import { initialState } from './ui/initial-state';
import { StateStore } from './ui/state-store';
import './ui/unsupported-page';

declare global {
  interface Window {
    sandbox: Sandbox | Promise<Sandbox>;
  }
}

const ready = createSandbox();
const exposed = ready.then((sandbox) => (window.sandbox = sandbox));
// The failure is shown by the page below; scripts awaiting window.sandbox still receive the rejection.
exposed.catch(() => undefined);
window.sandbox = exposed;

ready.then(
  async (sandbox) => {
    // The sandbox UI (Lit components, uPlot) is its own chunk: a browser without WebGPU never loads it.
    await import('./ui/sandbox-app');
    const { state, notices } = initialState(location.hash, sandbox);
    const app = document.createElement('sandbox-app');
    app.sandbox = sandbox;
    app.store = new StateStore(state);
    app.initialNotices = notices;
    document.body.replaceChildren(app);
  },
  (error: unknown) => {
    const page = document.createElement('unsupported-page');
    page.reason = error instanceof WebGpuUnavailableError ? error.reason : '';
    page.detail = error instanceof Error ? error.message : String(error);
    document.body.replaceChildren(page);
  },
);
