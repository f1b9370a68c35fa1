// Runs ONNX models with onnxruntime-node on inputs written by the Python trainer and writes the outputs back,
// so the trainer can check every exported variant against its PyTorch reference.
// usage: node training/verify_onnx.mjs <job.json>
//   job.json: { "runs": [ { "model": path, "inputs": { name: { "file": path.bin, "dims": [...], "type": "float32"|"int64" } },
//                           "output": name, "out": path.bin } ] }
import { readFileSync, writeFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';

const job = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const sessions = new Map();
for (const run of job.runs) {
  let session = sessions.get(run.model);
  if (!session) {
    session = await ort.InferenceSession.create(run.model, { executionProviders: ['cpu'] });
    sessions.set(run.model, session);
  }
  const feeds = {};
  for (const [name, spec] of Object.entries(run.inputs)) {
    const buf = readFileSync(spec.file);
    const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
    const data = spec.type === 'int64' ? new BigInt64Array(ab) : new Float32Array(ab);
    feeds[name] = new ort.Tensor(spec.type, data, spec.dims);
  }
  const out = await session.run(feeds);
  const t = out[run.output];
  writeFileSync(run.out, Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
}
console.log(`verify_onnx: ${job.runs.length} runs on ${sessions.size} models`);
