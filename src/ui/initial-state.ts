/** The state the page opens with: the URL hash's, sanitised, or the first-load story (../state/stories.ts). */
import type { Sandbox } from '../api/sandbox';
import type { SandboxState } from '../state/params';
import { firstLoadState } from '../state/stories';
import { stateFromHash } from '../state/url';

export function initialState(
  hash: string,
  sandbox: Pick<Sandbox, 'worlds' | 'samplers'>,
): { state: SandboxState; notices: string[] } {
  if (hash.replace(/^#/, '') === '') return { state: firstLoadState(), notices: [] };
  return stateFromHash(hash, sandbox.worlds, sandbox.samplers);
}
