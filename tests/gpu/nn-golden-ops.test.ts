/**
 * The trainer's single-op golden cases (tools/train/golden.py: PyTorch in float64 with the exported weights) through
 * our kernels: GroupNorm+SiLU, conv 3×3 and conv 1×1 of down.1, on inputs with per-channel offsets and scales.
 */
import { describe, expect, it } from 'vitest';
import { GROUP_NORM_WORKGROUP, packConvBias, packConvWeight } from '../../src/worlds/unet/pack';
import { loadGolden, loadModelFromDisk, relativeToScale } from '../reference/nn-golden';
import { useNnPage } from './nn-session';

const holder = useNnPage();
const golden = loadGolden();
const model = loadModelFromDisk();
const run = (
  kernel: string,
  params: Record<string, number>,
  bindings: Array<{ data?: number[]; elements?: number; read?: boolean }>,
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

describe('shaders/nn against the PyTorch single-op goldens', () => {
  it('group_norm_silu, conv3x3 and conv1x1 within 1e-5 of the output scale', async () => {
    const gn = golden.cases.get('group_norm_silu')!;
    const gnInput = gn.arrays.get('input')!;
    const [n, channels, h, w] = gnInput.shape;
    const [gamma, beta] = gn.weights!.map((name) => Array.from(model.tensors.get(name)!));
    const [gnOut] = await run(
      'groupNormSilu',
      {
        channels,
        groups: 8,
        plane: h * w,
        invocations: n * 8,
        eps: 1e-5,
        apply_silu: 1,
        first_channels: channels,
        first_upsampled: 0,
        width: w,
        second_scale: 1,
      },
      [
        { data: Array.from(gnInput.data) },
        { data: gamma },
        { data: beta },
        { elements: n * channels * h * w, read: true },
      ],
      n * 8,
      GROUP_NORM_WORKGROUP,
    );
    expect(relativeToScale(gnOut, gn.arrays.get('output')!.data), 'group_norm_silu').toBeLessThan(1e-5);

    for (const name of ['conv3x3', 'conv1x1']) {
      const c = golden.cases.get(name)!;
      const input = c.arrays.get('input')!;
      const [batch, cin, height, width] = input.shape;
      const weight = model.tensors.get(c.weights![0])!;
      const bias = model.tensors.get(c.weights![1])!;
      const cout = bias.length;
      const k = name === 'conv3x3' ? 3 : 1;
      const groups = Math.ceil(cout / 8);
      const bindings = [
        { data: Array.from(input.data) },
        { data: Array.from(packConvWeight(weight, cout, cin, k)) },
        { data: Array.from(packConvBias(bias, cout)) },
      ];
      const outputs = { elements: batch * cout * height * width, read: true };
      let out: number[];
      if (k === 3) {
        // The 4-row tile: the network's kernel for every conv with more than one input channel.
        const runs = Math.ceil(width / 7);
        const rowBlocks = Math.ceil(height / 4);
        const invocations = batch * groups * rowBlocks * runs;
        [out] = await run(
          'conv3x3Tall',
          {
            cin,
            cout,
            height,
            width,
            runs_per_row: runs,
            row_blocks: rowBlocks,
            channel_groups: groups,
            invocations,
            channel_bias_stride: 0,
            channel_bias_offset: 0,
            has_channel_bias: 0,
            has_residual: 0,
          },
          [...bindings, { data: [0] }, { data: [0] }, outputs],
          invocations,
        );
      } else {
        const plane = height * width;
        const runs = Math.ceil(plane / 4);
        const invocations = batch * groups * runs;
        [out] = await run(
          'conv1x1',
          {
            cin,
            cout,
            plane,
            runs,
            channel_groups: groups,
            invocations,
            first_channels: cin,
            first_upsampled: 0,
            width,
            second_scale: 1,
          },
          [bindings[0], { data: [0] }, ...bindings.slice(1), outputs],
          invocations,
        );
      }
      expect(relativeToScale(out, c.arrays.get('output')!.data), name).toBeLessThan(1e-5);
    }
  });
});
