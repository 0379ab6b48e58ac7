/** Reads the trainer's golden vectors (tests/fixtures/fmnist-golden.{json,bin}, tools/train/golden.py) and the
 *  exported model (public/models/fmnist) in Node. */
import { readFileSync } from 'node:fs';
import {
  checkClassifierManifest,
  checkManifest,
  tensorViews,
  type LoadedModel,
  type WeightsManifest,
} from '../../src/worlds/unet/manifest';

export interface GoldenCase {
  name: string;
  labels?: number[];
  sigma?: number[];
  t?: number[];
  weights?: string[];
  arrays: Map<string, { shape: number[]; data: Float32Array }>;
}

export function loadGolden(path = 'tests/fixtures/fmnist-golden.json'): {
  weightsSha256: string;
  cases: Map<string, GoldenCase>;
} {
  const meta = JSON.parse(readFileSync(path, 'utf8'));
  const bin = readFileSync(path.replace(/\.json$/, '.bin'));
  const blob = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength);
  const cases = new Map<string, GoldenCase>();
  for (const c of meta.cases) {
    const arrays = new Map<string, { shape: number[]; data: Float32Array }>();
    for (const a of c.arrays) arrays.set(a.name, { shape: a.shape, data: new Float32Array(blob, a.offset, a.length) });
    cases.set(c.name, { ...c, arrays });
  }
  return { weightsSha256: meta.weights_sha256, cases };
}

export function loadModelFromDisk(dir = 'public/models/fmnist'): LoadedModel {
  const manifest = checkManifest(JSON.parse(readFileSync(`${dir}/manifest.json`, 'utf8')), `${dir}/manifest.json`);
  const bin = readFileSync(`${dir}/${manifest.weights}`);
  return {
    manifest,
    tensors: tensorViews(manifest, bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength)),
  };
}

/** The shipped scoring CNN (public/models/fmnist-classifier), and its goldens come from loadGolden(CLASSIFIER_GOLDEN). */
export function loadClassifierFromDisk(dir = 'public/models/fmnist-classifier'): LoadedModel<WeightsManifest> {
  const manifest = checkClassifierManifest(
    JSON.parse(readFileSync(`${dir}/manifest.json`, 'utf8')),
    `${dir}/manifest.json`,
  );
  const bin = readFileSync(`${dir}/${manifest.weights}`);
  return {
    manifest,
    tensors: tensorViews(manifest, bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength)),
  };
}

export const CLASSIFIER_GOLDEN = 'tests/fixtures/fmnist-classifier-golden.json';

/** max |a − b| / max |b|: the error measure the network is held to (≤ 1e-3 of the output scale). */
export function relativeToScale(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let err = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    err = Math.max(err, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return err / scale;
}
