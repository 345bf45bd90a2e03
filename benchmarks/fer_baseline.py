"""Runs the `fer` package (TensorFlow mini-Xception + OpenCV Haar) over image files, for comparison.

Run with the Python of a separate venv that has `fer` installed (it needs TensorFlow, which UniFER
never depends on). Prints one JSON object: import time, per-image seconds, top label per image.
usage: FER_PYTHON fer_baseline.py FILE...
"""

import json
import sys
import time

start = time.perf_counter()
import cv2  # noqa: E402
from fer.fer import FER  # noqa: E402  (fer 25.x no longer re-exports it)

detector = FER(mtcnn=False)
imported = time.perf_counter() - start
names = {
    "angry": "anger",
    "disgust": "disgust",
    "fear": "fear",
    "happy": "happiness",
    "sad": "sadness",
    "surprise": "surprise",
    "neutral": "neutral",
}
labels, seconds = [], []
for path in sys.argv[1:]:
    image = cv2.imread(path)
    t = time.perf_counter()
    faces = detector.detect_emotions(image)
    seconds.append(time.perf_counter() - t)
    if faces:
        largest = max(faces, key=lambda f: f["box"][2] * f["box"][3])
        labels.append(names[max(largest["emotions"], key=largest["emotions"].get)])
    else:
        labels.append(None)
print(json.dumps({"import_s": imported, "seconds": seconds, "labels": labels}))
