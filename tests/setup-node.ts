// webgpu-utils 2.x reads these globals at import time; Node has neither (webgpu-testing.md).
const g = globalThis as Record<string, unknown>;
g.Float16Array ??= Float32Array;
g.GPUShaderStage ??= { VERTEX: 1, FRAGMENT: 2, COMPUTE: 4 };
