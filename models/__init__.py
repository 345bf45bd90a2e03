"""The shipped ONNX models, installed as ``unifer_tray.models``; see README.md and manifest.json."""
