// face-api's own face descriptors for 150x150 RGB chips (reference for models/face_embedder.pt).
//
//   node models/face_embedder_parity.mjs --package /tmp/faceapi/package --chips chips.u8 [--backend cpu|wasm]
//
// --package: the unpacked npm package @vladmandic/face-api@1.7.15 (folder with dist/ and model/);
//   its dist/face-api.node-wasm.js requires @tensorflow/tfjs and @tensorflow/tfjs-backend-wasm
//   (4.22.0), installed where node finds them from that folder, e.g.
//   cd /tmp/faceapi && npm install @tensorflow/tfjs@4.22.0 @tensorflow/tfjs-backend-wasm@4.22.0
// --chips: raw uint8 file, N x 150 x 150 x 3, RGB, row-major (HWC per chip).
// Prints JSON {"backend", "faceapi", "tfjs", "descriptors": [[128 floats] x N]} on stdout.
// Each chip goes through faceRecognitionNet.computeFaceDescriptor as a [150,150,3] tensor, so
// face-api neither pads nor resizes it.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1]]);
  return acc;
}, []));
if (!args.package || !args.chips) {
  console.error('usage: node face_embedder_parity.mjs --package DIR --chips FILE [--backend cpu|wasm]');
  process.exit(2);
}
const pkg = path.resolve(args.package);
const require = createRequire(path.join(pkg, 'dist', 'index.js'));
const faceapi = require(path.join(pkg, 'dist', 'face-api.node-wasm.js'));
const { tf } = faceapi;

const backend = args.backend || 'cpu';
if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} failed`);
await tf.ready();
await faceapi.nets.faceRecognitionNet.loadFromDisk(path.join(pkg, 'model'));

const side = 150;
const bytes = fs.readFileSync(args.chips);
const per = side * side * 3;
if (bytes.length % per !== 0) throw new Error(`${args.chips}: ${bytes.length} bytes is not N x ${per}`);
const n = bytes.length / per;
const descriptors = [];
for (let i = 0; i < n; i += 1) {
  const px = Int32Array.from(bytes.subarray(i * per, (i + 1) * per));
  const t = tf.tensor3d(px, [side, side, 3], 'int32');
  const d = await faceapi.nets.faceRecognitionNet.computeFaceDescriptor(t);
  t.dispose();
  descriptors.push(Array.from(d));
}
process.stdout.write(JSON.stringify({
  backend: tf.getBackend(), faceapi: faceapi.version, tfjs: tf.version_core, descriptors,
}));
process.stdout.write('\n');
