/**
 * A drawn mixture as short text, `x,y,std,weight;x,y,std,weight;…`, shared by the URL hash and the infotext.
 * Numbers are written with String(), the shortest text that reads back to the same double, so a link restores the
 * exact mixture. Decoding never throws: bad numbers come back as NaN for cleanMixture to reject by index. Callers
 * bound the text's length (url.ts, infotext.ts), which bounds the work here.
 */
import type { GmmSpec } from '../worlds/gmm';
import { parseNumberText } from './number-text';

export function encodeMixture(spec: GmmSpec): string {
  return spec.means.map((m, i) => [m[0], m[1], spec.stds[i], spec.weights[i]].map(String).join(',')).join(';');
}

/** The spec a text describes; a component that is not four numbers reads as NaNs (and fails validation). */
export function decodeMixture(text: string): GmmSpec {
  const components = text.split(';').map((part) => {
    const values = part.split(',').map(parseNumberText);
    return values.length === 4 ? values : [NaN, NaN, NaN, NaN];
  });
  return {
    type: 'gmm',
    means: components.map(([x, y]) => [x, y]),
    stds: components.map((c) => c[2]),
    weights: components.map((c) => c[3]),
  };
}
