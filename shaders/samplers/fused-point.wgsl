// A whole sampler plan in one dispatch, for point worlds (dim 2): one invocation per particle, the plan's registers
// in private memory, the plan itself read as an instruction stream: one dispatch per chunk instead of one per
// instruction, and no register round trips through storage between instructions.
// The arithmetic of each op is written exactly as in init-noise.wgsl, combine.wgsl and the world's standalone
// kernel (same f32 operands, same order), so results equal the per-instruction executor's bit for bit.
// Needs rng.wgsl, brownian.wgsl, a point world's WGSL (fn denoise_point(vec2f, f32) -> vec2f, group 0) and
// `const FUSED_NOISE: bool` (whether the plan has Brownian noise), all prepended by fusedPointShader (shaders.ts).
// Cost note: SwiftShader cannot tell that every invocation reads the same op, so it runs every arm of the switch
// under a lane mask (wrapping each arm in a loop did not help either, measured): whatever sits in the loop is paid
// at every instruction.
// Hence the initial draw before the loop and the Brownian code compiled in only when the plan needs it (2.4× less
// GPU-process CPU on the RK4 reference than with both inside).
// Encoded by src/sampling/fused-program.ts: FUSED_WORDS u32 per instruction (f32 fields by bitcast).
//   word 0 op; 1 a; 2 b; 3 c; 4 f (σ or the dst coefficient); 5 noise scale; 6 u_from; 7 u_to;
//   8–13 input registers; 14–19 input coefficients.
//   INIT_DRAW   regs[a] = f·z, z drawn from (seed, sample, element)   (init-noise.wgsl)   } instruction 0 only,
//   INIT_LOAD   regs[a] = f·z, z from fused_noise                     (combine x = σ_0·x) } run before the loop
//   DENOISE     regs[a] = D(regs[b]; f)
//   COMBINE     regs[a] = [f·regs[a] if c & 1] + Σ_{k<b} coef_k·regs[in_k] [+ scale·ξ if c & 2]   (combine.wgsl)
//   RECORD      trajectory slot c: x = regs[a], D = regs[b]
// Bindings, group 1: 0 program (read-only u32); 1 params (uniform); 2 noise (read-only, count × vec2f, or a dummy);
// 3 state (read_write, count × num_registers vec2f: registers between instruction chunks);
// 4 samples (read_write, count × vec2f: the final x); 5 trajectory (read_write, records × 2 × count vec2f).

const FUSED_WORDS: u32 = 20u;
const FUSED_MAX_REGISTERS: u32 = 16u;
const OP_INIT_DRAW: u32 = 0u;
const OP_INIT_LOAD: u32 = 1u;
const OP_DENOISE: u32 = 2u;
const OP_COMBINE: u32 = 3u;
const OP_RECORD: u32 = 4u;

struct FusedParams {
  instr_begin: u32,
  instr_end: u32,
  first_sample: u32,
  chunk_samples: u32,
  count: u32,
  seed: u32,
  x_register: u32,
  num_registers: u32,
  load_state: u32,   // registers come from fused_state (a chunk that starts mid-plan)
  store_state: u32,  // registers go to fused_state (a chunk that ends mid-plan); else x goes to fused_samples
  write_trajectory: u32,
}

@group(1) @binding(0) var<storage, read> fused_program: array<u32>;
@group(1) @binding(1) var<uniform> fused_params: FusedParams;
@group(1) @binding(2) var<storage, read> fused_noise: array<vec2f>;
@group(1) @binding(3) var<storage, read_write> fused_state: array<vec2f>;
@group(1) @binding(4) var<storage, read_write> fused_samples: array<vec2f>;
@group(1) @binding(5) var<storage, read_write> fused_trajectory: array<vec2f>;

fn fused_f32(word: u32) -> f32 {
  return bitcast<f32>(fused_program[word]);
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let local = gid.x + gid.y * groups.x * 64u;
  if (local >= fused_params.chunk_samples) { return; }
  let sample = fused_params.first_sample + local;
  let seed = fused_params.seed;
  let nregs = fused_params.num_registers;
  var regs: array<vec2f, FUSED_MAX_REGISTERS>;
  if (fused_params.load_state != 0u) {
    for (var r = 0u; r < nregs; r++) { regs[r] = fused_state[sample * nregs + r]; }
  }
  // The initial state (instruction 0) outside the loop, or the RNG of the draw would be paid at every instruction
  // (see the cost note above).
  var begin = fused_params.instr_begin;
  if (begin == 0u) {
    let f0 = fused_f32(4u);
    let x0 = fused_program[1u];
    if (fused_program[0u] == OP_INIT_DRAW) {
      regs[x0] = vec2f(
        f0 * normal_from_key(hash_key(RNG_STREAM_INITIAL, seed, sample, 0u)),
        f0 * normal_from_key(hash_key(RNG_STREAM_INITIAL, seed, sample, 1u)),
      );
    } else {
      regs[x0] = f0 * fused_noise[sample];
    }
    begin = 1u;
  }
  for (var pc = begin; pc < fused_params.instr_end; pc++) {
    let base = pc * FUSED_WORDS;
    let op = fused_program[base];
    let a = fused_program[base + 1u];
    let b = fused_program[base + 2u];
    let c = fused_program[base + 3u];
    let f = fused_f32(base + 4u);
    switch op {
      case OP_DENOISE: {
        regs[a] = denoise_point(regs[b], f);
      }
      case OP_COMBINE: {
        // A zero dst coefficient must not read dst (combine.wgsl): the register may not be written yet.
        var acc = vec2f(0.0);
        if ((c & 1u) != 0u) { acc = f * regs[a]; }
        for (var k = 0u; k < b; k++) {
          acc += fused_f32(base + 14u + k) * regs[fused_program[base + 8u + k]];
        }
        // Compiled in only for plans with noise (the cost note above).
        if (FUSED_NOISE && (c & 2u) != 0u) {
          let scale = fused_f32(base + 5u);
          let u_from = fused_f32(base + 6u);
          let u_to = fused_f32(base + 7u);
          acc += vec2f(
            scale * brownian_increment(u_from, u_to, seed, sample, 0u),
            scale * brownian_increment(u_from, u_to, seed, sample, 1u),
          );
        }
        regs[a] = acc;
      }
      case OP_RECORD: {
        if (fused_params.write_trajectory != 0u) {
          fused_trajectory[(2u * c) * fused_params.count + sample] = regs[a];
          fused_trajectory[(2u * c + 1u) * fused_params.count + sample] = regs[b];
        }
      }
      default: {}
    }
  }
  if (fused_params.store_state != 0u) {
    for (var r = 0u; r < nregs; r++) { fused_state[sample * nregs + r] = regs[r]; }
  } else {
    fused_samples[sample] = regs[fused_params.x_register];
  }
}
