/**
 * The page's one state object (src/state/params.ts) and who may change it. Components never keep their own copy of
 * a setting: the app passes `store.state` down and children write through `update`, so the URL, the PNG metadata
 * and the runs all see the same thing. States are replaced, never mutated, so "did this change?" is an identity
 * check.
 */
import type { SandboxState } from '../state/params';

/** Where a change came from: the URL sync must not write back what it just read. */
export type ChangeSource = 'user' | 'url' | 'png';

export class StateChangeEvent extends Event {
  constructor(
    readonly state: SandboxState,
    readonly source: ChangeSource,
  ) {
    super('change');
  }
}

export class StateStore extends EventTarget {
  constructor(private current: SandboxState) {
    super();
  }

  get state(): SandboxState {
    return this.current;
  }

  set(next: SandboxState, source: ChangeSource = 'user'): void {
    this.current = next;
    this.dispatchEvent(new StateChangeEvent(next, source));
  }

  /** Applies a change to a copy of the state. */
  update(change: (draft: SandboxState) => void): void {
    const draft = structuredClone(this.current);
    change(draft);
    this.set(draft);
  }
}
