/** The fused executor's host side: which plans it takes, how a plan is encoded, how a run is split. */
import { describe, expect, it } from 'vitest';
import { planFusedChunks } from '../../src/sampling/fused-chunks';
import { encodeFusedProgram, fusedPlanUnsupported } from '../../src/sampling/fused-program';
import { PlanBuilder, type Plan } from '../../src/sampling/plan';

const WORDS = 20; // FUSED_WORDS in fused-point.wgsl

function euler(steps: number): Plan {
  const sigmas = Float64Array.from({ length: steps + 1 }, (_, i) => (i === steps ? 0 : 80 / (i + 1)));
  const b = new PlanBuilder(sigmas);
  for (let i = 0; i < steps; i++) {
    b.denoise('x', sigmas[i], 'D').record(i, 'x', 'D');
    b.combine('x', [
      ['x', sigmas[i + 1] / sigmas[i]],
      ['D', 1 - sigmas[i + 1] / sigmas[i]],
    ]);
  }
  return b.record(steps, 'x', 'x').build();
}

describe('fusedPlanUnsupported', () => {
  it('takes plans of denoise, combine and record only, with at most 16 registers', () => {
    expect(fusedPlanUnsupported(euler(3))).toBeNull();
    const predict = new PlanBuilder(Float64Array.of(1, 0)).predict(0, 1, 0, false).build();
    expect(fusedPlanUnsupported(predict)).toContain("'predict'");
    const perSample = new PlanBuilder(Float64Array.of(1, 0)).denoise('x', 1, 'D', { sigmaOfStep: 0 }).build();
    expect(fusedPlanUnsupported(perSample)).toContain('per-sample');
    const wide = new PlanBuilder(Float64Array.of(1, 0));
    for (let r = 0; r < 16; r++) wide.combine(`r${r}`, [['x', 1]]);
    expect(fusedPlanUnsupported(wide.build())).toContain('17 registers');
  });
});

describe('encodeFusedProgram', () => {
  it('puts the initial state first and the plan after it, one instruction per slot, as f32', () => {
    const b = new PlanBuilder(Float64Array.of(80, 0));
    b.denoise('x', 0.1, 'D');
    b.combine(
      'y',
      [
        ['x', 0.3],
        ['D', 0.2],
        ['x', 0.5],
        ['y', 0],
      ],
      { scale: 1.5, uFrom: 0.75, uTo: 0.25 },
    );
    b.combine('x', [
      ['x', 2],
      ['y', -1],
    ]);
    b.record(0, 'x', 'y');
    const plan = b.build();
    for (const [noise, op] of [
      [false, 0],
      [true, 1],
    ] as const) {
      const p = encodeFusedProgram(plan, noise);
      const f = new Float32Array(p.words.buffer);
      const reg = (name: string) => plan.registers.indexOf(name);
      expect(p.length).toBe(plan.instrs.length + 1);
      expect([p.words[0], p.words[1], f[4]]).toEqual([op, reg('x'), 80]);
      expect([...p.evals]).toEqual([0, 1, 0, 0, 0]);
      expect([p.words[WORDS], p.words[WORDS + 1], p.words[WORDS + 2], f[WORDS + 4]]).toEqual([
        2,
        reg('D'),
        reg('x'),
        Math.fround(0.1),
      ]);
      // Repeated registers merged (x: 0.3 + 0.5), dst's zero coefficient not read (flag bit 0 clear), noise on.
      const c = 2 * WORDS;
      expect([p.words[c], p.words[c + 1], p.words[c + 2], p.words[c + 3]]).toEqual([3, reg('y'), 2, 2]);
      expect([f[c + 5], f[c + 6], f[c + 7]]).toEqual([1.5, 0.75, 0.25]);
      expect([p.words[c + 8], p.words[c + 9], f[c + 14], f[c + 15]]).toEqual([
        reg('x'),
        reg('D'),
        Math.fround(0.8),
        Math.fround(0.2),
      ]);
      const x = 3 * WORDS;
      expect([p.words[x + 2], p.words[x + 3], f[x + 4], p.words[x + 8], f[x + 14]]).toEqual([1, 1, 2, reg('y'), -1]);
      expect([...p.words.subarray(4 * WORDS, 4 * WORDS + 4)]).toEqual([4, reg('x'), reg('y'), 0]);
    }
  });
});

describe('planFusedChunks', () => {
  const evals = encodeFusedProgram(euler(50), false).evals;
  const length = evals.length;

  it('one chunk when the whole run fits the budget', () => {
    expect(planFusedChunks(4096, 8, evals, 1 << 22)).toEqual([
      { instrBegin: 0, instrEnd: length, firstSample: 0, samples: 4096, evals: 50 },
    ]);
  });

  it('else chunks of whole workgroups of particles, each running the whole plan, covering every particle once', () => {
    const chunks = planFusedChunks(1000, 4, evals, 300 * 200);
    expect(chunks.map((c) => c.samples)).toEqual([256, 256, 256, 232]);
    expect(chunks.map((c) => c.firstSample)).toEqual([0, 256, 512, 768]);
    expect(chunks.every((c) => c.instrBegin === 0 && c.instrEnd === length)).toBe(true);
    expect(chunks.reduce((a, c) => a + c.evals, 0)).toBeCloseTo(50, 12);
  });

  it('and chunks of instructions over all particles when a plan is too long for that', () => {
    const chunks = planFusedChunks(1000, 4, evals, 1000 * 4 * 7);
    expect(chunks.length).toBe(Math.ceil(50 / 7));
    expect(chunks[0].instrBegin).toBe(0);
    expect(chunks.at(-1)!.instrEnd).toBe(length);
    for (let k = 1; k < chunks.length; k++) expect(chunks[k].instrBegin).toBe(chunks[k - 1].instrEnd);
    expect(chunks.every((c) => c.samples === 1000 && c.firstSample === 0 && c.evals <= 7)).toBe(true);
    expect(chunks.reduce((a, c) => a + c.evals, 0)).toBe(50);
  });
});
