/**
 * Every kernel of shaders/nn against its float64 reference (tests/reference/nn-ops.ts) on random inputs, in
 * Chromium. Shapes are chosen to hit the edges: channel counts that are not multiples of the 8-channel blocks,
 * widths that are not multiples of the 7-pixel runs, odd sizes for pooling, out-of-range labels.
 * Tolerances are rigorous f32 bounds: a sum of K products carries at most ~K·ε·Σ|terms| (Higham, γ_K).
 */
import { describe, expect, it } from 'vitest';
import type { Step } from '../../src/worlds/unet/graph';
import { embeddingOffsets } from '../../src/worlds/unet/gpu-weights';
import { GROUP_NORM_WORKGROUP, packConvBias, packConvWeight, timeFrequencies } from '../../src/worlds/unet/pack';
import { lcg } from '../reference/random-mixture';
import {
  avgPool2,
  concat,
  conv2d,
  groupNorm,
  linear,
  maxPool2,
  relu,
  silu,
  timeFeatures,
  upsample2,
} from '../reference/nn-ops';
import { EPS32 } from './gpu-session';
import { useNnPage } from './nn-session';

const holder = useNnPage();

interface Binding {
  data?: number[];
  elements?: number;
  u32?: boolean;
  read?: boolean;
  absent?: boolean;
  uniform?: { name: string; values: Record<string, number> };
}

const run = (
  kernel: string,
  params: Record<string, number>,
  bindings: Binding[],
  invocations: number,
  workgroupSize = 64,
): Promise<number[][]> =>
  holder.session.page.evaluate(
    (kernel, params, bindings, groups) => (window as any).harness.runKernel(kernel, params, bindings, [groups, 1]),
    kernel,
    params,
    bindings,
    Math.ceil(invocations / workgroupSize),
  );

/** The source params of group-norm-silu.wgsl and conv1x1.wgsl for a plain (unconcatenated) input. */
const oneSource = (channels: number, width: number) => ({
  first_channels: channels,
  first_upsampled: 0,
  width,
  second_scale: 1,
});

const random = (u: () => number, n: number, scale = 1, offset = 0) =>
  Array.from({ length: n }, () => Math.fround(offset + scale * (2 * u() - 1)));

/** Asserts |gpu − ref| ≤ bound elementwise, reporting the worst element. */
function expectWithin(gpu: number[], ref: ArrayLike<number>, bound: (i: number) => number, what: string) {
  expect(gpu.length, `${what} length`).toBe(ref.length);
  let worst = { i: -1, excess: -Infinity };
  for (let i = 0; i < ref.length; i++) {
    const excess = Math.abs(gpu[i] - ref[i]) - bound(i);
    if (!(excess <= worst.excess)) worst = { i, excess };
  }
  expect(
    worst.excess,
    `${what}: element ${worst.i} gpu ${gpu[worst.i]} ref ${ref[worst.i]} bound ${bound(worst.i)}`,
  ).toBeLessThanOrEqual(0);
}

/** Σ|w·x| per output of a conv, for the error bound. */
const absConv = (
  x: number[],
  n: number,
  cin: number,
  h: number,
  w: number,
  weight: number[],
  cout: number,
  k: number,
  pad: number,
) => conv2d(x.map(Math.abs), n, cin, h, w, weight.map(Math.abs), new Array(cout).fill(0), cout, k, pad);

describe('shaders/nn kernels against float64 references', () => {
  it('conv3x3, one-row and 4-row tiles (+ channel bias, + residual): 11 output channels, width 10 (runs of 7 with a tail), heights not a multiple of 4, and cout = 1', async () => {
    const u = lcg(11);
    for (const { n, cin, cout, h, w, extras, kernel } of [
      { n: 2, cin: 5, cout: 11, h: 9, w: 10, extras: true, kernel: 'conv3x3' },
      { n: 1, cin: 9, cout: 1, h: 7, w: 7, extras: false, kernel: 'conv3x3' },
      { n: 3, cin: 16, cout: 16, h: 14, w: 14, extras: true, kernel: 'conv3x3' },
      { n: 2, cin: 5, cout: 11, h: 9, w: 10, extras: true, kernel: 'conv3x3Tall' },
      { n: 1, cin: 9, cout: 1, h: 7, w: 7, extras: false, kernel: 'conv3x3Tall' },
      { n: 3, cin: 16, cout: 16, h: 14, w: 14, extras: true, kernel: 'conv3x3Tall' },
      { n: 1, cin: 1, cout: 8, h: 5, w: 3, extras: true, kernel: 'conv3x3Tall' },
    ]) {
      const x = random(u, n * cin * h * w, 2);
      const weight = random(u, cout * cin * 9, 0.5);
      const bias = random(u, cout);
      const stride = cout + 3;
      const offset = 2;
      const channelBias = random(u, n * stride);
      const residual = random(u, n * cout * h * w, 3);
      const runs = Math.ceil(w / 7);
      const groups = Math.ceil(cout / 8);
      const rowBlocks = kernel === 'conv3x3Tall' ? Math.ceil(h / 4) : h;
      const invocations = n * groups * rowBlocks * runs;
      const params = {
        cin,
        cout,
        height: h,
        width: w,
        runs_per_row: runs,
        row_blocks: rowBlocks,
        channel_groups: groups,
        invocations,
        channel_bias_stride: stride,
        channel_bias_offset: offset,
        has_channel_bias: extras ? 1 : 0,
        has_residual: extras ? 1 : 0,
      };
      const [out] = await run(
        kernel,
        params,
        [
          { data: x },
          { data: Array.from(packConvWeight(Float32Array.from(weight), cout, cin, 3)) },
          { data: Array.from(packConvBias(Float32Array.from(bias), cout)) },
          { data: channelBias },
          { data: residual },
          { elements: n * cout * h * w, read: true },
        ],
        invocations,
      );
      const ref = conv2d(x, n, cin, h, w, weight, bias, cout, 3, 1);
      const plane = h * w;
      if (extras)
        ref.forEach(
          (_, i) =>
            (ref[i] +=
              channelBias[Math.floor(i / (cout * plane)) * stride + offset + (Math.floor(i / plane) % cout)] +
              residual[i]),
        );
      const mag = absConv(x, n, cin, h, w, weight, cout, 3, 1);
      expectWithin(
        out,
        ref,
        (i) => (cin * 9 + 4) * EPS32 * (mag[i] + Math.abs(ref[i]) + 8),
        `${kernel} ${cin}→${cout} ${h}×${w}`,
      );
    }
  });

  it('conv3x3 + ReLU (the classifier’s fused activation): applied last, after the channel bias and the residual', async () => {
    const u = lcg(19);
    for (const { n, cin, cout, h, w, extras, kernel } of [
      { n: 2, cin: 3, cout: 11, h: 9, w: 10, extras: true, kernel: 'conv3x3' },
      { n: 2, cin: 32, cout: 16, h: 14, w: 14, extras: false, kernel: 'conv3x3' },
      { n: 2, cin: 3, cout: 11, h: 9, w: 10, extras: true, kernel: 'conv3x3Tall' },
    ]) {
      // Inputs centred on zero, so about half of the outputs are clipped and half pass.
      const x = random(u, n * cin * h * w, 2);
      const weight = random(u, cout * cin * 9, 0.5);
      const bias = random(u, cout, 0.5);
      const channelBias = random(u, n * cout, 2);
      const residual = random(u, n * cout * h * w, 2);
      const runs = Math.ceil(w / 7);
      const groups = Math.ceil(cout / 8);
      const rowBlocks = kernel === 'conv3x3Tall' ? Math.ceil(h / 4) : h;
      const invocations = n * groups * rowBlocks * runs;
      const params = {
        cin,
        cout,
        height: h,
        width: w,
        runs_per_row: runs,
        row_blocks: rowBlocks,
        channel_groups: groups,
        invocations,
        channel_bias_stride: cout,
        channel_bias_offset: 0,
        has_channel_bias: extras ? 1 : 0,
        has_residual: extras ? 1 : 0,
        apply_relu: 1,
      };
      const [out] = await run(
        kernel,
        params,
        [
          { data: x },
          { data: Array.from(packConvWeight(Float32Array.from(weight), cout, cin, 3)) },
          { data: Array.from(packConvBias(Float32Array.from(bias), cout)) },
          { data: channelBias },
          { data: residual },
          { elements: n * cout * h * w, read: true },
        ],
        invocations,
      );
      const plane = h * w;
      const pre = conv2d(x, n, cin, h, w, weight, bias, cout, 3, 1);
      if (extras) pre.forEach((_, i) => (pre[i] += channelBias[Math.floor(i / plane)] + residual[i]));
      const ref = pre.map(relu);
      // ReLU is 1-Lipschitz: the pre-activation bound carries over unchanged.
      const mag = absConv(x, n, cin, h, w, weight, cout, 3, 1);
      expectWithin(
        out,
        ref,
        (i) => (cin * 9 + 4) * EPS32 * (mag[i] + Math.abs(pre[i]) + 8),
        `${kernel}+relu ${cin}→${cout} ${h}×${w}`,
      );
      const clipped = ref.filter((v) => v === 0).length / ref.length;
      expect(clipped, 'share of clipped outputs').toBeGreaterThan(0.2);
      expect(
        out.filter((v) => v < 0),
        'negative outputs',
      ).toEqual([]);
    }
  });

  it('conv3x3-tall main_projected (the skip projection in the epilogue, over a folded concat [upsample2(first), ρ·second] or one tensor): the float64 reference, and bit for bit conv1x1 followed by the residual epilogue', async () => {
    const u = lcg(24);
    for (const { n, cin, c1, c2, cout, h, w, upsampled, rho } of [
      { n: 2, cin: 5, c1: 3, c2: 4, cout: 11, h: 6, w: 10, upsampled: true, rho: 0.8 },
      { n: 2, cin: 5, c1: 3, c2: 4, cout: 11, h: 6, w: 10, upsampled: true, rho: 1 },
      { n: 1, cin: 9, c1: 6, c2: 3, cout: 16, h: 9, w: 7, upsampled: false, rho: 0.7 },
      { n: 2, cin: 4, c1: 7, c2: 0, cout: 9, h: 5, w: 12, upsampled: false, rho: 1 },
    ]) {
      const plane = h * w;
      const x = random(u, n * cin * plane, 2);
      const weight = random(u, cout * cin * 9, 0.5);
      const bias = random(u, cout);
      const first = random(u, n * c1 * (upsampled ? plane / 4 : plane), 2);
      const second = c2 > 0 ? random(u, n * c2 * plane, 2) : [0];
      const pcin = c1 + c2;
      const pweight = random(u, cout * pcin);
      const pbias = random(u, cout);
      const groups = Math.ceil(cout / 8);
      const rowBlocks = Math.ceil(h / 4);
      const invocations = n * groups * rowBlocks * Math.ceil(w / 7);
      const shape = {
        cin,
        cout,
        height: h,
        width: w,
        runs_per_row: Math.ceil(w / 7),
        row_blocks: rowBlocks,
        channel_groups: groups,
        invocations,
      };
      const source = { first_channels: c1, first_upsampled: upsampled ? 1 : 0, width: w, second_scale: rho };
      const conv = [
        { data: x },
        { data: Array.from(packConvWeight(Float32Array.from(weight), cout, cin, 3)) },
        { data: Array.from(packConvBias(Float32Array.from(bias), cout)) },
      ];
      const projection = [
        { data: Array.from(packConvWeight(Float32Array.from(pweight), cout, pcin, 1)) },
        { data: Array.from(packConvBias(Float32Array.from(pbias), cout)) },
      ];
      const what = `conv3x3 projected ${cin}→${cout} + ${c1}+${c2}→${cout}, ${h}×${w}, ρ=${rho}`;
      const [fused] = await run(
        'conv3x3TallProjected',
        { ...shape, ...source, projection_cin: pcin },
        [
          ...conv,
          { absent: true },
          { data: first },
          { elements: n * cout * plane, read: true },
          { data: second },
          ...projection,
        ],
        invocations,
      );
      const a = upsampled ? upsample2(first, n * c1, h / 2, w / 2) : Float64Array.from(first);
      const px = Array.from(c2 > 0 ? concat(a, c1, second, c2, n, plane, rho) : a);
      const skip = conv2d(px, n, pcin, h, w, pweight, pbias, cout, 1, 0);
      const ref = conv2d(x, n, cin, h, w, weight, bias, cout, 3, 1).map((v, i) => v + skip[i]);
      const mag = absConv(x, n, cin, h, w, weight, cout, 3, 1);
      const skipMag = absConv(px, n, pcin, h, w, pweight, cout, 1, 0);
      const bound = (i: number) => (cin * 9 + pcin + 8) * EPS32 * (mag[i] + skipMag[i] + Math.abs(ref[i]) + 8);
      expectWithin(fused, ref, bound, what);
      // The projection is seen: it moves the output by far more than the bound.
      const effect = Math.max(...skip.map(Math.abs));
      expect(effect, `${what}: projection vs bound`).toBeGreaterThan(1000 * Math.max(...ref.map((_, i) => bound(i))));
      // The unfused network: conv1x1 over the same sources, then the 3×3 conv adding it as its residual.
      const runs = Math.ceil(plane / 4);
      const [projected] = await run(
        'conv1x1',
        { cin: pcin, cout, plane, runs, channel_groups: groups, invocations: n * groups * runs, ...source },
        [{ data: first }, { data: second }, ...projection, { elements: n * cout * plane, read: true }],
        n * groups * runs,
      );
      const [twoKernels] = await run(
        'conv3x3Tall',
        { ...shape, channel_bias_stride: 0, channel_bias_offset: 0, has_channel_bias: 0, has_residual: 1 },
        [...conv, { data: [0] }, { data: projected }, { elements: n * cout * plane, read: true }],
        invocations,
      );
      expect(fused, `${what}: fused = two kernels`).toEqual(twoKernels);
    }
  });

  it('conv1x1: 13 output channels over a 35-pixel plane (runs of 4 with a tail)', async () => {
    const u = lcg(12);
    const [n, cin, cout, plane] = [2, 6, 13, 35];
    const x = random(u, n * cin * plane, 2);
    const weight = random(u, cout * cin);
    const bias = random(u, cout);
    const runs = Math.ceil(plane / 4);
    const groups = Math.ceil(cout / 8);
    const invocations = n * groups * runs;
    const [out] = await run(
      'conv1x1',
      { ...oneSource(cin, 7), cin, cout, plane, runs, channel_groups: groups, invocations },
      [
        { data: x },
        { data: [0] },
        { data: Array.from(packConvWeight(Float32Array.from(weight), cout, cin, 1)) },
        { data: Array.from(packConvBias(Float32Array.from(bias), cout)) },
        { elements: n * cout * plane, read: true },
      ],
      invocations,
    );
    const ref = conv2d(x, n, cin, 5, 7, weight, bias, cout, 1, 0);
    const mag = absConv(x, n, cin, 5, 7, weight, cout, 1, 0);
    expectWithin(out, ref, (i) => (cin + 4) * EPS32 * (mag[i] + Math.abs(ref[i]) + 1), 'conv1x1');
  });

  it('conv1x1 over a folded concat [upsample2(first), ρ·second]: the float64 reference, and bit for bit the plain kernel on the materialised concat', async () => {
    const u = lcg(22);
    const [n, c1, c2, cout, h, w] = [2, 5, 6, 11, 6, 10];
    const plane = h * w;
    const first = random(u, n * c1 * (h / 2) * (w / 2), 2);
    const second = random(u, n * c2 * plane, 2);
    const cin = c1 + c2;
    const weight = random(u, cout * cin);
    const bias = random(u, cout);
    const runs = Math.ceil(plane / 4);
    const groups = Math.ceil(cout / 8);
    const invocations = n * groups * runs;
    const packed = [
      { data: Array.from(packConvWeight(Float32Array.from(weight), cout, cin, 1)) },
      { data: Array.from(packConvBias(Float32Array.from(bias), cout)) },
    ];
    const shape = { cin, cout, plane, runs, channel_groups: groups, invocations };
    for (const rho of [1, 0.8]) {
      const [folded] = await run(
        'conv1x1',
        { ...shape, first_channels: c1, first_upsampled: 1, width: w, second_scale: rho },
        [{ data: first }, { data: second }, ...packed, { elements: n * cout * plane, read: true }],
        invocations,
      );
      const x = concat(upsample2(first, n * c1, h / 2, w / 2), c1, second, c2, n, plane, rho);
      const ref = conv2d(x, n, cin, h, w, weight, bias, cout, 1, 0);
      const mag = absConv(Array.from(x), n, cin, h, w, weight, cout, 1, 0);
      expectWithin(folded, ref, (i) => (cin + 6) * EPS32 * (mag[i] + Math.abs(ref[i]) + 1), `conv1x1 folded ρ=${rho}`);
      // The materialised path of the same network: upsample and concat kernels, then the plain conv.
      const [upsampled] = await run(
        'upsampleNearest',
        { in_height: h / 2, in_width: w / 2, invocations: n * c1 * plane },
        [{ data: first }, { elements: n * c1 * plane, read: true }],
        n * c1 * plane,
      );
      const [cat] = await run(
        'concatChannels',
        { first_channels: c1, second_channels: c2, plane, invocations: n * cin * plane, second_scale: rho },
        [{ data: upsampled }, { data: second }, { elements: n * cin * plane, read: true }],
        n * cin * plane,
      );
      const [plain] = await run(
        'conv1x1',
        { ...shape, ...oneSource(cin, w) },
        [{ data: cat }, { data: [0] }, ...packed, { elements: n * cout * plane, read: true }],
        invocations,
      );
      expect(folded, `folded = materialised at ρ=${rho}`).toEqual(plain);
    }
  });

  it('group_norm (+ SiLU): mean far from zero (two-pass variance), 3 channels per group', async () => {
    const u = lcg(13);
    const [n, channels, groups, plane] = [2, 12, 4, 30];
    const x = random(u, n * channels * plane, 0.5, 3);
    const gamma = random(u, channels, 1, 1);
    const beta = random(u, channels);
    for (const apply_silu of [0, 1]) {
      const [out] = await run(
        'groupNormSilu',
        { ...oneSource(channels, 6), channels, groups, plane, invocations: n * groups, eps: 1e-5, apply_silu },
        [{ data: x }, { data: gamma }, { data: beta }, { elements: n * channels * plane, read: true }],
        n * groups,
        GROUP_NORM_WORKGROUP,
      );
      const normed = groupNorm(x, n, channels, plane, groups, 1e-5, gamma, beta);
      const ref = apply_silu ? normed.map(silu) : normed;
      // The mean and Σ(x−μ)² carry ≤ (plane + C/G)·ε relative error (per-channel sums of `plane` values, then C/G
      // pairwise merges);
      // (x − μ)/s amplifies |x|/s ≈ 14.
      const m = plane + channels / groups;
      expectWithin(
        out,
        ref,
        (i) =>
          m * EPS32 * ((Math.abs(gamma[Math.floor(i / plane) % channels]) * 3.5) / 0.25 + Math.abs(normed[i]) + 1) * 4,
        `group_norm silu=${apply_silu}`,
      );
    }
  });

  it('group_norm sees ε: a group whose variance (~5e-6) is below ε = 1e-5, so ε changes the output by ~25%', async () => {
    const u = lcg(15);
    const [n, channels, groups, plane] = [2, 8, 4, 30];
    const eps = 1e-5;
    const x = random(u, n * channels * plane, 0.004);
    const gamma = random(u, channels, 0.5, 1);
    const beta = random(u, channels);
    const [out] = await run(
      'groupNormSilu',
      { ...oneSource(channels, 6), channels, groups, plane, invocations: n * groups, eps, apply_silu: 0 },
      [{ data: x }, { data: gamma }, { data: beta }, { elements: n * channels * plane, read: true }],
      n * groups,
      GROUP_NORM_WORKGROUP,
    );
    const ref = groupNorm(x, n, channels, plane, groups, eps, gamma, beta);
    // As above, (plane + C/G)·ε₃₂ relative error in μ and Σ(x−μ)²; here |x|/s ≤ 0.004/√ε ≈ 1.3, so no amplification.
    const m = plane + channels / groups;
    const bound = (i: number) =>
      m * EPS32 * (Math.abs(gamma[Math.floor(i / plane) % channels]) * 2 + Math.abs(ref[i]) + 1) * 4;
    expectWithin(out, ref, bound, 'group_norm, small variance');
    // The test can tell ε from 2ε: the outputs differ by far more than the bound, so a kernel ignoring ε (or adding
    // it twice) fails above.
    const doubled = groupNorm(x, n, channels, plane, groups, 2 * eps, gamma, beta);
    // Elements well away from β (the normalised value γ·(x−μ)/s is where ε acts).
    let separation = Infinity;
    for (let i = 0; i < ref.length; i++) {
      const b = beta[Math.floor(i / plane) % channels];
      if (Math.abs(ref[i] - b) > 0.5) separation = Math.min(separation, Math.abs(doubled[i] - ref[i]) / bound(i));
    }
    expect(separation).toBeGreaterThan(100);
  });

  it('group_norm + SiLU over a folded concat [upsample2(first), ρ·second], a group straddling the two sources, a 7×7 plane', async () => {
    const u = lcg(23);
    // 12 channels in 4 groups of 3: group 1 holds first-source channel 3 and second-source channels 0–1.
    const [n, c1, c2, groups, h, w] = [2, 4, 8, 4, 6, 6];
    for (const { rho, upsampled, hh, ww } of [
      { rho: 1, upsampled: true, hh: h, ww: w },
      { rho: 0.7, upsampled: true, hh: h, ww: w },
      { rho: 0.7, upsampled: false, hh: 7, ww: 7 },
    ]) {
      const plane = hh * ww;
      const channels = c1 + c2;
      const firstPlane = upsampled ? plane / 4 : plane;
      const first = random(u, n * c1 * firstPlane, 0.5, 2);
      const second = random(u, n * c2 * plane, 1.5, -1);
      const gamma = random(u, channels, 1, 1);
      const beta = random(u, channels);
      const [out] = await run(
        'groupNormSiluConcat',
        {
          channels,
          groups,
          plane,
          invocations: n * groups,
          eps: 1e-5,
          apply_silu: 1,
          first_channels: c1,
          first_upsampled: upsampled ? 1 : 0,
          width: ww,
          second_scale: rho,
        },
        [
          { data: first },
          { data: gamma },
          { data: beta },
          { elements: n * channels * plane, read: true },
          { data: second },
        ],
        n * groups,
        GROUP_NORM_WORKGROUP,
      );
      const a = upsampled ? upsample2(first, n * c1, hh / 2, ww / 2) : first;
      const x = concat(a, c1, second, c2, n, plane, rho);
      const normed = groupNorm(x, n, channels, plane, groups, 1e-5, gamma, beta);
      // As the single-source test: (plane + C/G)·ε relative in μ and M2, amplified by |x − μ|/s ≲ 4/0.5.
      const m = plane + channels / groups;
      expectWithin(
        out,
        normed.map(silu),
        (i) => m * EPS32 * (Math.abs(gamma[Math.floor(i / plane) % channels]) * 8 + Math.abs(normed[i]) + 1) * 4,
        `group_norm folded ρ=${rho} upsampled=${upsampled}`,
      );
    }
  });

  it('linear (+ SiLU)', async () => {
    const u = lcg(14);
    const [n, fin, fout] = [3, 37, 19];
    const x = random(u, n * fin, 2);
    const weight = random(u, fout * fin);
    const bias = random(u, fout);
    for (const apply_silu of [0, 1]) {
      const [out] = await run(
        'linear',
        { fin, fout, invocations: n * fout, apply_silu },
        [{ data: x }, { data: weight }, { data: bias }, { elements: n * fout, read: true }],
        n * fout,
      );
      const pre = linear(x, n, fin, weight, bias, fout);
      const mag = linear(x.map(Math.abs), n, fin, weight.map(Math.abs), bias.map(Math.abs), fout);
      expectWithin(
        out,
        apply_silu ? pre.map(silu) : pre,
        (i) => (fin + 8) * EPS32 * (mag[i] + 1),
        `linear silu=${apply_silu}`,
      );
    }
  });

  it('linear + ReLU (the classifier’s fc1), with fin not a multiple of anything', async () => {
    const u = lcg(20);
    const [n, fin, fout] = [4, 301, 23];
    const x = random(u, n * fin, 1, 0.2);
    const weight = random(u, fout * fin, 0.1);
    const bias = random(u, fout);
    const [out] = await run(
      'linear',
      { fin, fout, invocations: n * fout, apply_silu: 0, apply_relu: 1 },
      [{ data: x }, { data: weight }, { data: bias }, { elements: n * fout, read: true }],
      n * fout,
    );
    const pre = linear(x, n, fin, weight, bias, fout);
    const mag = linear(x.map(Math.abs), n, fin, weight.map(Math.abs), bias.map(Math.abs), fout);
    expectWithin(out, pre.map(relu), (i) => (fin + 8) * EPS32 * (mag[i] + 1), 'linear relu');
    expect(pre.some((v) => v < 0) && pre.some((v) => v > 0), 'both signs before the ReLU').toBe(true);
  });

  it('class embedding (+ SiLU), with a label past the table clamped to the last row', async () => {
    const u = lcg(15);
    const [n, dim, rows] = [4, 16, 11];
    const temb = random(u, n * dim, 2);
    const table = random(u, rows * dim);
    const labels = [3, 10, 0, 200];
    for (const apply_silu of [0, 1]) {
      const [out] = await run(
        'classEmbedding',
        { dim, rows, invocations: n * dim, apply_silu },
        [{ data: temb }, { data: labels, u32: true }, { data: table }, { elements: n * dim, read: true }],
        n * dim,
      );
      const ref = temb.map((v, i) => {
        const e = v + table[Math.min(labels[Math.floor(i / dim)], rows - 1) * dim + (i % dim)];
        return apply_silu ? silu(e) : e;
      });
      expectWithin(out, ref, (i) => 8 * EPS32 * (Math.abs(ref[i]) + 3), `class embedding silu=${apply_silu}`);
    }
  });

  it('embedding (time features → Linear+SiLU → Linear → + class row, SiLU → stacked Linear in one workgroup per sample): widths past the 64 lanes, a label past the table; main_edm also writes z = x/(1+σ), σ and the label for a chunk at an offset, zeros past the count', async () => {
    const u = lcg(25);
    const [dim, hidden, width, rows, outputs] = [10, 70, 37, 4, 100];
    const linearStep = (fin: number, fout: number, silu: boolean): Extract<Step, { op: 'linear' }> => ({
      op: 'linear',
      input: '',
      output: '',
      weights: [''],
      biases: [''],
      fin,
      fout,
      silu,
    });
    const step: Extract<Step, { op: 'embedding' }> = {
      op: 'embedding',
      output: 'out',
      time: { dim, scale: 1000, maxPeriod: 10000 },
      first: linearStep(dim, hidden, true),
      second: linearStep(hidden, width, false),
      table: '',
      rows,
      last: linearStep(width, outputs, false),
    };
    const w1 = random(u, hidden * dim, 0.5);
    const b1 = random(u, hidden);
    const w2 = random(u, width * hidden, 0.2);
    const b2 = random(u, width);
    const table = random(u, rows * width);
    const w3 = random(u, outputs * width, 0.3);
    const b3 = random(u, outputs);
    const weights = [...timeFrequencies(dim, 1000, 10000), ...w1, ...b1, ...w2, ...b2, ...table, ...w3, ...b3];
    const offsets = embeddingOffsets(step);
    expect(offsets.last_bias_at + outputs).toBe(weights.length);
    const params = {
      half_dim: dim / 2,
      first_outputs: hidden,
      second_outputs: width,
      rows,
      outputs,
      one: 1,
      ...offsets,
    };
    // float64, with an error bound carried through the layers: a dense layer of K terms adds (K + 2)·ε·(Σ|w·x| + |b|)
    // to Σ|w|·(its inputs' bound); SiLU is 1.1-Lipschitz and adds its own rounding (exp to a few ulps, a division).
    const dense = (
      x: ArrayLike<number>,
      e: number[],
      w: number[],
      b: number[],
      fin: number,
      fout: number,
      n: number,
    ) => {
      const value = linear(x, n, fin, w, b, fout);
      const mag = linear(Array.from(x, Math.abs), n, fin, w.map(Math.abs), b.map(Math.abs), fout);
      const carried = linear(e, n, fin, w.map(Math.abs), new Array(fout).fill(0), fout);
      return { value, error: Array.from(value, (_, i) => (fin + 2) * EPS32 * mag[i] + carried[i]) };
    };
    const siluLayer = (l: { value: Float64Array; error: number[] }) => ({
      value: l.value.map(silu),
      error: l.error.map((e, i) => 1.1 * e + 32 * EPS32 * (Math.abs(l.value[i]) + 1)),
    });
    const reference = (sigma: number[], labels: number[], withTable = true) => {
      const n = sigma.length;
      // time-features.wgsl's bound (tests below): 1e-6 per feature.
      const f = timeFeatures(sigma, dim);
      const h = siluLayer(dense(f, new Array(n * dim).fill(1e-6), w1, b1, dim, hidden, n));
      const pre = dense(h.value, h.error, w2, b2, hidden, width, n);
      const row = (i: number) => Math.min(labels[Math.floor(i / width)], rows - 1) * width + (i % width);
      const e = siluLayer({
        value: pre.value.map((v, i) => v + (withTable ? table[row(i)] : 0)),
        error: pre.error.map((x, i) => x + 2 * EPS32 * (Math.abs(pre.value[i]) + 1)),
      });
      return dense(e.value, e.error, w3, b3, width, outputs, n);
    };

    const sigma = [0.002, 0.7, 30, 900].map(Math.fround);
    const labels = [2, 0, 3, 200];
    const [out] = await run(
      'embedding',
      { ...params, samples: sigma.length },
      [
        { data: sigma },
        { data: labels, u32: true },
        { data: weights },
        { elements: sigma.length * outputs, read: true },
      ],
      sigma.length,
      1,
    );
    const ref = reference(sigma, labels);
    expectWithin(out, ref.value, (i) => ref.error[i], 'embedding');
    // The class row is seen: without it the outputs move by far more than the bound.
    const bare = reference(sigma, labels, false).value;
    const effect = Math.max(...bare.map((v, i) => Math.abs(v - ref.value[i])));
    expect(effect, 'class row vs bound').toBeGreaterThan(1000 * Math.max(...ref.error));

    // The EDM entry folded in: the chunk holds samples 3, 4 of 5 and two past the count; 70 values per sample.
    const [count, size, firstSample, batch] = [5, 70, 3, 4];
    const x = random(u, count * size, 5);
    const callerSigma = [0.01, 0.5, 3, 40, 80].map(Math.fround);
    const callerLabels = [1, 2, 3, 1, 3];
    const [embedded, z, sigmaOut, labelsOut] = await run(
      'embeddingEdm',
      { ...params, samples: batch },
      [
        { data: callerSigma },
        { data: callerLabels, u32: true },
        { data: weights },
        { elements: batch * outputs, read: true },
        { data: x },
        { elements: batch * size, read: true },
        { elements: batch, read: true },
        { elements: batch, u32: true, read: true },
        { uniform: { name: 'entry', values: { first_sample: firstSample, dim: size } } },
      ],
      batch,
      1,
    );
    const zRef = Array.from({ length: batch * size }, (_, i) => {
      const g = firstSample + Math.floor(i / size);
      return g < count ? x[firstSample * size + i] / (1 + callerSigma[g]) : 0;
    });
    expectWithin(z, zRef, (i) => 3 * EPS32 * Math.abs(zRef[i]), 'embedding main_edm z');
    expect(sigmaOut).toEqual([callerSigma[3], callerSigma[4], 0, 0]);
    // Uint32 labels come back through a Float32Array view: compare the bit patterns.
    expect(Array.from(new Uint32Array(Float32Array.from(labelsOut).buffer))).toEqual([1, 3, 0, 0]);
    const entryRef = reference([callerSigma[3], callerSigma[4], 0, 0], [1, 3, 0, 0]);
    expectWithin(embedded, entryRef.value, (i) => entryRef.error[i], 'embedding main_edm');
  });

  it('time features from σ match float64 to 1e-6 from σ = 1e-3 to 1000 (arguments up to 1000 rad)', async () => {
    const u = lcg(16);
    const sigma = [0.002, 1, 80, 1000, ...Array.from({ length: 60 }, () => Math.fround(10 ** (6 * u() - 3)))];
    const dim = 32;
    const [out] = await run(
      'timeFeatures',
      { half_dim: dim / 2, invocations: (sigma.length * dim) / 2, one: 1 },
      [
        { data: Array.from(timeFrequencies(dim, 1000, 10000)) },
        { data: sigma },
        { elements: sigma.length * dim, read: true },
      ],
      (sigma.length * dim) / 2,
    );
    // The double-float argument is good to ~1e-10 relative; the f32 reduced argument and the polynomials add ~1e-7.
    expectWithin(out, timeFeatures(sigma, dim), () => 1e-6, 'time features');
  });

  it('avg_pool 2×2 on 7×9 (floor drops the last row and column), upsample 2×, concat (the skip at ρ = 1 and 0.8)', async () => {
    const u = lcg(17);
    const [planes, h, w] = [6, 7, 9];
    const x = random(u, planes * h * w, 3);
    const pooled = avgPool2(x, planes, h, w);
    const [pool] = await run(
      'avgPool',
      { in_height: h, in_width: w, invocations: pooled.length },
      [{ data: x }, { elements: pooled.length, read: true }],
      pooled.length,
    );
    expectWithin(pool, pooled, (i) => 4 * EPS32 * (Math.abs(pooled[i]) + 3), 'avg_pool');
    const up = upsample2(x, planes, h, w);
    const [upsampled] = await run(
      'upsampleNearest',
      { in_height: h, in_width: w, invocations: up.length },
      [{ data: x }, { elements: up.length, read: true }],
      up.length,
    );
    expectWithin(upsampled, up, () => 0, 'upsample');
    const [n, ca, cb, plane] = [2, 3, 5, 6];
    const a = random(u, n * ca * plane);
    const b = random(u, n * cb * plane);
    const cat = concat(a, ca, b, cb, n, plane);
    const concatRun = (second_scale: number) =>
      run(
        'concatChannels',
        { first_channels: ca, second_channels: cb, plane, invocations: cat.length, second_scale },
        [{ data: a }, { data: b }, { elements: cat.length, read: true }],
        cat.length,
      );
    const [joined] = await concatRun(1);
    expectWithin(joined, cat, () => 0, 'concat');
    // Skip-Tuning's ρ on the second (encoder) input: one f32 product of fround(ρ) and b, against float64 ρ·b, so
    // ≤ ½ ulp for rounding plus |ρ − fround(ρ)|·|b| ≤ ½ ulp of ρ: 2·EPS32·|ref| covers both.
    const scaled = concat(a, ca, b, cb, n, plane, 0.8);
    const [tuned] = await concatRun(0.8);
    expectWithin(tuned, scaled, (i) => 2 * EPS32 * Math.abs(scaled[i]), 'concat ρ = 0.8');
    expect(tuned.slice(0, ca * plane), 'the decoder half is copied').toEqual(joined.slice(0, ca * plane));
  });

  it('max_pool 2×2 on 7×9 (floor drops the last row and column), all-negative windows and ties: exact', async () => {
    const u = lcg(21);
    const [planes, h, w] = [5, 7, 9];
    // Values on a coarse grid, shifted negative: ties are common and many windows have no positive value.
    const x = Array.from({ length: planes * h * w }, () => Math.round(8 * u()) / 4 - 1.5);
    const ref = maxPool2(x, planes, h, w);
    const [out] = await run(
      'maxPool',
      { in_height: h, in_width: w, invocations: ref.length },
      [{ data: x }, { elements: ref.length, read: true }],
      ref.length,
    );
    expectWithin(out, ref, () => 0, 'max_pool');
    expect(ref.filter((v) => v < 0).length, 'windows with no positive value').toBeGreaterThan(3);
  });

  it('EDM entry and exit: z = x/(1+σ) and D = z − t·v for a chunk at an offset, nothing past the count', async () => {
    const u = lcg(18);
    const [count, dim, first, batch] = [5, 6, 3, 4]; // the chunk holds samples 3, 4 and two past the count
    const x = random(u, count * dim, 5);
    const sigma = [0.002, 0.5, 3, 40, 80].map(Math.fround);
    const labels = [1, 2, 3, 4, 10];
    const [z, sigmaOut, labelsOut] = await run(
      'edmInput',
      { first_sample: first, dim, invocations: batch * dim },
      [
        { data: x },
        { data: sigma },
        { data: labels, u32: true },
        { elements: batch * dim, read: true },
        { elements: batch, read: true },
        { elements: batch, u32: true, read: true },
      ],
      batch * dim,
    );
    const zRef = Array.from({ length: batch * dim }, (_, i) =>
      first + Math.floor(i / dim) < count ? x[first * dim + i] / (1 + sigma[first + Math.floor(i / dim)]) : 0,
    );
    expectWithin(z, zRef, (i) => 3 * EPS32 * Math.abs(zRef[i]), 'edm-input z');
    expect(sigmaOut).toEqual([sigma[3], sigma[4], 0, 0]);
    // Uint32 labels come back through a Float32Array view: compare the bit patterns.
    expect(Array.from(new Uint32Array(Float32Array.from(labelsOut).buffer))).toEqual([4, 10, 0, 0]);

    const v = random(u, batch * dim, 2);
    const sentinel = -12345;
    const [out] = await run(
      'edmOutput',
      { first_sample: first, dim, invocations: batch * dim },
      [{ data: z }, { data: v }, { data: sigmaOut }, { data: new Array(count * dim).fill(sentinel), read: true }],
      batch * dim,
    );
    const outRef = Array.from({ length: count * dim }, (_, i) => {
      const s = i / dim >= first ? sigma[Math.floor(i / dim)] : NaN;
      return i < first * dim ? sentinel : z[i - first * dim] - (s / (1 + s)) * v[i - first * dim];
    });
    expectWithin(
      out,
      outRef,
      (i) => 6 * EPS32 * (Math.abs(z[Math.max(0, i - first * dim)]) + 2 * Math.abs(v[Math.max(0, i - first * dim)])),
      'edm-output',
    );
  });
});
