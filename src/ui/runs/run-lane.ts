/**
 * One run at a time through a lane. Image panels take turns on the GPU: a network evaluation of a batch is one
 * submission, which cannot be cancelled once queued, and on a software adapter it takes seconds. With the panels in
 * line, a change (say, back to a 2D world) waits for at most one such submission instead of one per panel, and the
 * first panel's images arrive first. A turn still waiting is given up when its run is aborted.
 *
 * @fires change - the lane changed hands (waiting panels say whom they wait for)
 */
import { CancelledError } from '../../gpu/errors';

export class RunLane extends EventTarget {
  private busy = false;
  private readonly waiting: Array<() => void> = [];
  /** Who has the lane now (what `enter` was told), so a waiting panel can say whom it waits for. */
  holder?: string;

  /** Resolves with a release function once it is this caller's turn; rejects with a CancelledError if `signal`
   *  aborts first. `owner` names the caller to those waiting behind it. */
  enter(signal: AbortSignal, owner?: string): Promise<() => void> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(new CancelledError());
      const grant = () => {
        signal.removeEventListener('abort', withdraw);
        this.busy = true;
        this.holder = owner;
        this.dispatchEvent(new Event('change'));
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          this.next();
        });
      };
      const withdraw = () => {
        const at = this.waiting.indexOf(grant);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(new CancelledError());
      };
      if (!this.busy) return grant();
      this.waiting.push(grant);
      signal.addEventListener('abort', withdraw, { once: true });
    });
  }

  private next(): void {
    const grant = this.waiting.shift();
    if (grant) grant();
    else {
      this.busy = false;
      this.holder = undefined;
    }
  }
}
