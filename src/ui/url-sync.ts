/**
 * Keeps the URL hash and the state in step, so a link reproduces the view: every change is written to the hash (once
 * per animation frame, with replaceState so typing does not flood the history), and a hash edited by hand or a link
 * followed within the page is read back over the current state (../state/hash-change.ts): what it gets wrong keeps
 * the current value, with a notice per field saying what was kept, repaired or dropped.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Sandbox } from '../api/sandbox';
import { stateFromHashChange } from '../state/hash-change';
import { stateToHash } from '../state/url';
import { nextFrame } from './next-frame';
import type { StateChangeEvent, StateStore } from './state-store';

export class UrlSync implements ReactiveController {
  private cancelWrite: () => void = () => {};
  private written = '';

  constructor(
    host: ReactiveControllerHost,
    private readonly store: StateStore,
    private readonly sandbox: Pick<Sandbox, 'worlds' | 'samplers'>,
    private readonly notify: (notices: string[]) => void,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.store.addEventListener('change', this.onChange);
    window.addEventListener('hashchange', this.onHashChange);
    // The hash always shows the state in canonical form, including after a garbage or partial URL.
    this.write();
  }

  hostDisconnected(): void {
    this.store.removeEventListener('change', this.onChange);
    window.removeEventListener('hashchange', this.onHashChange);
    this.cancelWrite();
  }

  private readonly onChange = (event: Event) => {
    if ((event as StateChangeEvent).source === 'url') return;
    this.cancelWrite();
    this.cancelWrite = nextFrame(() => this.write());
  };

  private readonly onHashChange = () => {
    if (location.hash === this.written) return;
    const current = this.store.state;
    const { state, notices } = stateFromHashChange(location.hash, current, this.sandbox.worlds, this.sandbox.samplers);
    if (stateToHash(state) !== stateToHash(current)) this.store.set(state, 'url');
    this.notify(notices);
    this.write();
  };

  private write(): void {
    this.written = stateToHash(this.store.state);
    if (location.hash !== this.written) history.replaceState(history.state, '', this.written);
  }
}
