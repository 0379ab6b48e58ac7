/** What the page's components share through @lit/context instead of threading it through every property. */
import { createContext } from '@lit/context';
import type { Sandbox } from '../api/sandbox';
import type { ReferenceSolves } from './runs/reference-solves';
import type { RunCache } from './runs/run-cache';
import type { StateStore } from './state-store';
import type { RunLane } from './runs/run-lane';
import type { WorldPreparer } from './runs/world-preparer';
import type { ViewPipelines } from './view/view-pipelines';

export const sandboxContext = createContext<Sandbox>(Symbol('sandbox'));
export const storeContext = createContext<StateStore>(Symbol('state-store'));
/** Replaced when the GPU device is lost and restored, so every view rebuilds on the new device. */
export const viewPipelinesContext = createContext<ViewPipelines | undefined>(Symbol('view-pipelines'));
export const referenceSolvesContext = createContext<ReferenceSolves>(Symbol('reference-solves'));
export const runCacheContext = createContext<RunCache>(Symbol('run-cache'));
/** Image weights and reflow levels, made once and shared by every panel waiting for them. */
export const worldPreparerContext = createContext<WorldPreparer>(Symbol('world-preparer'));
/** Image runs take turns on the GPU, so a change waits for one uncancellable submission, not one per panel. */
export const imageLaneContext = createContext<RunLane>(Symbol('image-lane'));
