/** The state the page opens with: the URL hash's, sanitised, or the first-load story (params.ts defaults). */
import type { Sandbox } from '../api/sandbox';
import { defaultState, type SandboxState } from '../state/params';
import { stateFromHash } from '../state/url';
import { CUSTOM_WORLD } from '../state/validate-state';

export function initialState(hash: string, sandbox: Pick<Sandbox, 'worlds' | 'samplers'>): { state: SandboxState; notices: string[] } {
  if (hash.replace(/^#/, '') === '') return { state: defaultState(), notices: [] };
  const { state, notices } = stateFromHash(hash, sandbox.worlds, sandbox.samplers);
  // This page draws 2D worlds only; an image world in a link falls back to the default world, visibly.
  const world = sandbox.worlds.find((w) => w.id === state.world);
  if (state.world !== CUSTOM_WORLD && world?.kind !== '2d') {
    const fallback = defaultState().world;
    notices.push(`world: ${JSON.stringify(state.world.slice(0, 40))} has no 2D view on this page; showing ${fallback}`);
    return { state: { ...state, world: fallback }, notices };
  }
  return { state, notices };
}
