/** The state the page opens with: the URL hash's, sanitised, or the first-load story (params.ts defaults). */
import type { Sandbox } from '../api/sandbox';
import { defaultState, type SandboxState } from '../state/params';
import { stateFromHash } from '../state/url';

export function initialState(
  hash: string,
  sandbox: Pick<Sandbox, 'worlds' | 'samplers'>,
): { state: SandboxState; notices: string[] } {
  if (hash.replace(/^#/, '') === '') return { state: defaultState(), notices: [] };
  return stateFromHash(hash, sandbox.worlds, sandbox.samplers);
}
