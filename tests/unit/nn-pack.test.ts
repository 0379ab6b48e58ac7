/** Weight packing for the kernels, the double-float time frequencies, and the manifest checks (Node). */
import { describe, expect, it } from 'vitest';
import { checkManifest, tensorViews } from '../../src/worlds/unet/manifest';
import { concatenate, packConvBias, packConvWeight, paddedChannels, timeFrequencies } from '../../src/worlds/unet/pack';
import { loadModelFromDisk } from '../reference/nn-golden';

describe('weight packing', () => {
  it('conv weights go from OIHW to [in][kh][kw][out padded to 8], zeros in the padding', () => {
    const [cout, cin, k] = [11, 3, 3];
    const w = Float32Array.from({ length: cout * cin * k * k }, (_, i) => i + 1);
    const packed = packConvWeight(w, cout, cin, k);
    expect(paddedChannels(cout)).toBe(16);
    expect(packed.length).toBe(cin * 9 * 16);
    for (let o = 0; o < 16; o++)
      for (let c = 0; c < cin; c++)
        for (let u = 0; u < 3; u++)
          for (let v = 0; v < 3; v++)
            expect(packed[((c * 3 + u) * 3 + v) * 16 + o]).toBe(o < cout ? w[((o * cin + c) * 3 + u) * 3 + v] : 0);
    expect(Array.from(packConvBias(Float32Array.of(1, 2, 3), 3))).toEqual([1, 2, 3, 0, 0, 0, 0, 0]);
    expect(() => packConvWeight(w, cout, cin + 1, k)).toThrow(/expected 11×4×3×3 values, got 297/);
    expect(Array.from(concatenate([Float32Array.of(1, 2), Float32Array.of(3)]))).toEqual([1, 2, 3]);
  });

  it('time frequencies: hi + lo is 1000·exp(−ln(10⁴)·k/16) to ~2^-48, hi the f32 rounding', () => {
    const f = timeFrequencies(32, 1000, 10000);
    for (let k = 0; k < 16; k++) {
      const exact = 1000 * Math.exp((-Math.log(10000) * k) / 16);
      expect(f[2 * k]).toBe(Math.fround(exact));
      expect(Math.abs(f[2 * k] + f[2 * k + 1] - exact)).toBeLessThanOrEqual(exact * 2 ** -46);
    }
  });
});

describe('manifest checks', () => {
  const model = loadModelFromDisk();
  const broken = (edit: (m: Record<string, any>) => void) => {
    const m = structuredClone(model.manifest) as unknown as Record<string, any>;
    edit(m);
    return () => checkManifest(m, 'test.json');
  };

  it('accepts the exported model and names the first bad field otherwise', () => {
    expect(checkManifest(structuredClone(model.manifest)).name).toBe('fmnist-unet');
    expect(broken((m) => (m.format = 'safetensors'))).toThrow('test.json: format must be "diffusion-sandbox-weights"');
    expect(broken((m) => (m.version = 2))).toThrow('test.json: version must be 1');
    expect(broken((m) => (m.parameterisation.type = 'eps'))).toThrow('test.json: parameterisation.type must be "rf-v"');
    expect(broken((m) => (m.channels = 2))).toThrow('test.json: channels must be 1 or 3');
    expect(broken((m) => (m.architecture.graph = []))).toThrow(
      'test.json: architecture.graph must be a non-empty op list',
    );
    expect(broken((m) => (m.tensors[2].length = 7))).toThrow(
      /test\.json: tensors\[2\] \(.+\)\.length must be the product of its shape/,
    );
    expect(broken((m) => (m.tensors[3].offset = m.byte_length))).toThrow(
      /tensors\[3\] \(.+\)\.offset must be 4-aligned and inside byte_length/,
    );
  });

  it('views each tensor in weights.bin, refusing a file of the wrong length', () => {
    const first = model.manifest.tensors[0];
    expect(model.tensors.get(first.name)!.length).toBe(first.length);
    expect(() => tensorViews(model.manifest, new ArrayBuffer(model.manifest.byte_length - 16))).toThrow(
      /expected \d+ bytes \(manifest byte_length\), got \d+/,
    );
  });
});
