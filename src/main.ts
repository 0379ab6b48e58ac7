/** The page entry: exposes the public API as `window.sandbox` (a promise, then the ready instance). */
import { createSandbox, type Sandbox } from './index';

declare global {
  interface Window {
    sandbox: Sandbox | Promise<Sandbox>;
  }
}

window.sandbox = createSandbox().then((sandbox) => (window.sandbox = sandbox));
