// Test-only probe: exposes the raw hash, uniform, normal and Brownian values of rng.wgsl / brownian.wgsl so
// tests/gpu/rng.test.ts can compare them with src/sampling/noise.ts. Needs rng.wgsl and brownian.wgsl.
// Bindings: 0 keys (read-only, n u32); 1 hashes (n u32); 2 uniforms (n f32); 3 normals (n f32); 4 brownian (n f32).

@group(0) @binding(0) var<storage, read> keys: array<u32>;
@group(0) @binding(1) var<storage, read_write> hashes: array<u32>;
@group(0) @binding(2) var<storage, read_write> uniforms: array<f32>;
@group(0) @binding(3) var<storage, read_write> normals: array<f32>;
@group(0) @binding(4) var<storage, read_write> brownian: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  if (i >= arrayLength(&keys)) { return; }
  let k = keys[i];
  hashes[i] = hash_key(k % 3u, k, i, k >> 3u);
  uniforms[i] = signed_uniform(pcg_hash(k));
  normals[i] = normal_from_key(k);
  // u must be exact in f32 on both sides: W is only Hölder-½, so one ulp of u moves W by ~sqrt(ulp).
  brownian[i] = brownian_at(f32(i % 129u) * 0.0078125, 5u, i, 1u);
}
