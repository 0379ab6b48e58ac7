#!/usr/bin/env node
// Runs one TypeScript module of bench/quality in Node through Vite's module runner, with the same transforms as the
// app and vitest (`?raw` shader imports, import.meta.env), so the exporters call src/ exactly as the page does and
// no extra dependency (tsx, vite-node) is needed. Usage: node bench/quality/ts.mjs <module.ts> [args…] → main(args).
import path from 'node:path';
import { runnerImport } from 'vite';

// webgpu-utils reads these at import time and Node 20 has neither (tests/setup-node.ts does the same).
globalThis.Float16Array ??= Float32Array;
globalThis.GPUShaderStage ??= { VERTEX: 1, FRAGMENT: 2, COMPUTE: 4 };

const [file, ...args] = process.argv.slice(2);
if (!file) throw new Error('usage: node bench/quality/ts.mjs <module.ts> [args…]');
const { module } = await runnerImport(path.resolve(file), { configFile: 'vite.config.ts', logLevel: 'error' });
await module.main(args);
