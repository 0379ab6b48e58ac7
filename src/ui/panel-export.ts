/**
 * A panel as a PNG with the settings inside, so dropping it back restores the state: a 2D panel is its view drawn
 * offscreen at 512², an image panel is its sample grid at full resolution (one image pixel per PNG pixel, upscaled
 * bilinearly when that is the panel's mode). Both carry the A1111 infotext and the full state.
 */
import type { SampleResult } from '../api/sandbox';
import { encodePng } from '../export/png';
import { toInfotext } from '../state/infotext';
import type { SandboxState } from '../state/params';
import type { ImageWorldInfo } from '../worlds/types';
import { samplesImage } from './view/image-frames';
import { OffscreenView } from './view/offscreen';
import type { SceneContent } from './view/view-scene';
import type { ViewPipelines } from './view/view-pipelines';

const EXPORT_SIZE = 512;

export interface ExportedPng {
  bytes: Uint8Array;
  name: string;
}

function fileName(state: SandboxState, index: number, result: SampleResult, suffix = ''): string {
  return `sandbox-${state.panels[index].sampler}-${result.steps}steps-seed${state.seed}${suffix}.png`;
}

export async function exportViewPng(
  pipelines: ViewPipelines,
  content: SceneContent,
  state: SandboxState,
  index: number,
  result: SampleResult,
): Promise<ExportedPng> {
  const view = new OffscreenView(pipelines, { width: EXPORT_SIZE, height: EXPORT_SIZE });
  try {
    const image = await view.render({ ...content, dots: content.dots.map((d) => ({ ...d, radiusPx: 2 })) });
    return {
      bytes: encodePng(image, state, toInfotext(state, index, { nfe: result.nfe })),
      name: fileName(state, index, result),
    };
  } finally {
    view.destroy();
  }
}

export function exportImagePng(
  state: SandboxState,
  index: number,
  result: SampleResult,
  image: ImageWorldInfo,
  upscale: number,
): ExportedPng {
  // The state is the one the shown run was made from, so its count is the run's.
  const channels = image.channels ?? 1;
  const grid = samplesImage(result, state.count, upscale, channels);
  const side = Math.round(Math.sqrt(result.samples.length / state.count / channels)) * upscale;
  const infotext = toInfotext(state, index, { nfe: result.nfe, cost: result.cost, image });
  return {
    bytes: encodePng(grid, state, infotext, { rgb: channels === 3 }),
    name: fileName(state, index, result, `-${side}px`),
  };
}
