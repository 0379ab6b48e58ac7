// Runs bench/models/fmnist-unet.onnx in onnxruntime-web (WASM, 1 thread) on the golden inputs and prints max |Δv|.
// onnxruntime-web is not a project dependency; install it outside the repo and point NODE_PATH there, e.g.
//   npm install --prefix /tmp/ort onnxruntime-web@1.19.2
//   NODE_PATH=/tmp/ort/node_modules node tools/train/check_onnx.mjs [model.onnx] [golden.json]
// (ESM ignores NODE_PATH for imports, so the module is loaded with createRequire from that directory.)
import fs from 'fs';
import path from 'path';
import { createRequire } from 'module';

const ortDir = process.env.NODE_PATH || '/tmp/ort/node_modules';
const ort = createRequire(path.join(ortDir, 'x.js'))('onnxruntime-web');
ort.env.wasm.numThreads = 1;
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const onnxPath = process.argv[2] || path.join(root, 'bench/models/fmnist-unet.onnx');
const goldenJson = process.argv[3] || path.join(root, 'tests/fixtures/fmnist-golden.json');
const meta = JSON.parse(fs.readFileSync(goldenJson));
const bin = fs.readFileSync(path.join(path.dirname(goldenJson), meta.data));
const get = (c, n) => {
  const a = c.arrays.find((a) => a.name === n);
  return [
    new Float32Array(bin.buffer.slice(bin.byteOffset + a.offset, bin.byteOffset + a.offset + 4 * a.length)),
    a.shape,
  ];
};
const sess = await ort.InferenceSession.create(fs.readFileSync(onnxPath));
for (const name of ['unet_28', 'unet_56']) {
  const c = meta.cases.find((c) => c.name === name);
  const [z, zs] = get(c, 'z');
  const [v] = get(c, 'v');
  const B = zs[0];
  const feeds = {
    z: new ort.Tensor('float32', z, zs),
    t: new ort.Tensor('float32', Float32Array.from(c.t), [B]),
    label: new ort.Tensor('int64', BigInt64Array.from(c.labels.map(BigInt)), [B]),
  };
  const out = (await sess.run(feeds)).v.data;
  let err = 0,
    mx = 0;
  for (let i = 0; i < v.length; i++) {
    err = Math.max(err, Math.abs(out[i] - v[i]));
    mx = Math.max(mx, Math.abs(v[i]));
  }
  console.log(`${name}: max |Δv| ${err.toExponential(2)} (max |v| ${mx.toFixed(3)})`);
}
