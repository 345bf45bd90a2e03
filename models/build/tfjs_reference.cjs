// Runs an original TF.js model on fixed inputs so the ONNX conversion can be checked
// against the framework the weights were published for.
// usage: node tfjs_reference.cjs graph MODEL.json INPUT.f32 N,H,W,C OUTPUT.f32 [OUTPUT_NAME...]
//        node tfjs_reference.cjs faceapi-expression MODEL_DIR INPUT.f32 N,H,W,C OUTPUT.f32
const fs = require('node:fs');
const path = require('node:path');
const tf = require('@tensorflow/tfjs');
const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');

const [kind, modelPath, inputPath, shapeText, outputPath, ...outputNames] = process.argv.slice(2);
const shape = shapeText.split(',').map(Number);
const data = new Float32Array(fs.readFileSync(inputPath).buffer.slice(0));

function loadWeights(manifest, dir) {
  const specs = manifest.flatMap((group) => group.weights);
  const buffers = manifest.flatMap((group) => group.paths.map((p) => fs.readFileSync(path.join(dir, p))));
  const joined = Buffer.concat(buffers);
  return { specs, data: joined.buffer.slice(joined.byteOffset, joined.byteOffset + joined.byteLength) };
}

async function main() {
await tf.setBackend('cpu');
let outputs;
if (kind === 'graph') {
  const json = JSON.parse(fs.readFileSync(modelPath, 'utf8'));
  const { specs, data: weightData } = loadWeights(json.weightsManifest, path.dirname(modelPath));
  const model = await tf.loadGraphModel(tf.io.fromMemory({
    modelTopology: json.modelTopology, weightSpecs: specs, weightData,
  }));
  const input = tf.tensor(data, shape);
  const result = outputNames.length ? model.execute(input, outputNames) : model.execute(input);
  outputs = Array.isArray(result) ? result : [result];
} else if (kind === 'faceapi-expression') {
  const manifest = JSON.parse(fs.readFileSync(path.join(modelPath, 'face_expression_model-weights_manifest.json'), 'utf8'));
  const { specs, data: weightData } = loadWeights(manifest, modelPath);
  faceapi.nets.faceExpressionNet.loadFromWeightMap(tf.io.decodeWeights(weightData, specs));
  const batch = tf.unstack(tf.tensor(data, shape));
  outputs = [faceapi.nets.faceExpressionNet.forwardInput(new faceapi.NetInput(batch))];
} else {
  throw new Error(`unknown kind ${kind}`);
}
const flat = outputs.map((t) => Array.from(t.dataSync())).flat();
fs.writeFileSync(outputPath, Buffer.from(new Float32Array(flat).buffer));
console.log(JSON.stringify(outputs.map((t) => t.shape)));
}
main();
