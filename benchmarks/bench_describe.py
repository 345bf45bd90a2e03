"""Overhead of the describe layer itself (the model's own time excluded), printed, never asserted.

usage: python benchmarks/bench_describe.py

A 1920x1080 capture with three faces: encoding the capture and crops, building the prompt,
validating and cleaning a reply, and fusing it; then the whole round trip through the real
`ollama` client against the loopback stand-in from the tests, which answers at once.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

from unifer_tray.config import OllamaConfig
from unifer_tray.describe import Describer
from unifer_tray.describe.prompt import build_messages
from unifer_tray.describe.reply import parse_reply
from unifer_tray.pipeline import Pipeline

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "support"))
from ollama_stub import OllamaStub, valid_reply  # noqa: E402


def capture_with_three_faces() -> np.ndarray:
    canvas = Image.new("RGB", (1920, 1080), (30, 32, 36))
    for index, name in enumerate(["single_face.jpg", "0-f1-su-ph.jpg", "0-f15-hao-ph.jpg"]):
        tile = ImageOps.fit(Image.open(ROOT / "tests" / "data" / name).convert("RGB"), (600, 600))
        canvas.paste(tile, (20 + index * 630, 240))
    return np.asarray(canvas)


def timed(function, repeat: int = 30) -> float:
    function()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    rgb = capture_with_three_faces()
    analysis, _ = Pipeline().run(rgb, source="screen")
    print(f"1920x1080 capture, {len(analysis.faces)} faces")
    reply_text = valid_reply(len(analysis.faces))
    with OllamaStub() as stub:
        describer = Describer(OllamaConfig(host=stub.url, timeout=10))
        reply = parse_reply(reply_text)
        steps = {
            "encode capture + crops, build prompt": lambda: build_messages(analysis, rgb),
            "validate + clean the reply": lambda: parse_reply(reply_text),
            "fuse into the analysis": lambda: describer._merge(analysis, "gemma3:4b", reply, time.monotonic()),
        }
        total = 0.0
        for name, step in steps.items():
            ms = timed(step)
            total += ms
            print(f"  {name}: {ms:.2f} ms")
        print(f"  describe layer overhead (sum): {total:.2f} ms")
        print(
            f"  full round trip via the ollama client and loopback HTTP: "
            f"{timed(lambda: describer.describe(analysis, rgb), 10):.2f} ms"
        )


if __name__ == "__main__":
    main()
