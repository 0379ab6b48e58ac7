/**
 * Shares reference solves between the panels, the sweep and the grid. The reference (RK4, REFERENCE_STEPS steps) is the
 * costliest run on the page, so a solve nobody wants any more is cancelled, and one that some caller still wants
 * is never cancelled by another caller leaving. Solves are shared by the sandbox's referenceKey (the denoiser's
 * key() plus the noise and σ range), so requests that name the same world but reach different denoisers never share.
 */
import type { Sandbox } from '../../api/sandbox';
import { CancelledError } from '../../gpu/errors';
import type { ReferenceRequest } from './run-request';

interface Solve {
  promise: Promise<Float32Array>;
  controller: AbortController;
  users: number;
}

export class ReferenceSolves {
  private readonly solves = new Map<string, Solve>();

  constructor(private readonly sandbox: Pick<Sandbox, 'reference' | 'referenceKey'>) {}

  /** The reference samples for a request. Aborting `signal` withdraws this caller; the solve stops when the last
   *  caller has withdrawn. */
  async get(request: ReferenceRequest, signal: AbortSignal): Promise<Float32Array> {
    if (signal.aborted) throw new CancelledError();
    const key = await this.sandbox.referenceKey(request);
    if (signal.aborted) throw new CancelledError();
    let solve = this.solves.get(key);
    if (!solve) {
      const controller = new AbortController();
      const created: Solve = {
        promise: this.sandbox.reference({ ...request, signal: controller.signal }),
        controller,
        users: 0,
      };
      const forget = () => {
        if (this.solves.get(key) === created) this.solves.delete(key);
      };
      created.promise.then(forget, forget);
      this.solves.set(key, created);
      solve = created;
    }
    const shared = solve;
    shared.users++;
    return new Promise<Float32Array>((resolve, reject) => {
      let active = true;
      const leave = () => {
        if (!active) return false;
        active = false;
        signal.removeEventListener('abort', withdraw);
        shared.users--;
        return true;
      };
      const withdraw = () => {
        if (!leave()) return;
        if (shared.users === 0) shared.controller.abort();
        reject(new CancelledError());
      };
      signal.addEventListener('abort', withdraw);
      shared.promise.then(
        (value) => leave() && resolve(value),
        (error) => leave() && reject(error),
      );
    });
  }

  /** Solves in flight (for tests and the status line). */
  get pending(): number {
    return this.solves.size;
  }
}
