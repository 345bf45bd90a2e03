"""Motion JPEG copies of the test clips: what most webcams send, and what GStreamer's good
plugins decode without an H.264 decoder. Used by the tests and by packaging/build-linux.sh.

usage: python tests/support/clips.py SOURCE.mp4 TARGET.avi
"""

from __future__ import annotations

import sys
from pathlib import Path


def mjpeg_copy(source: Path, target: Path) -> Path:
    import cv2

    reader = cv2.VideoCapture(str(source))
    writer = None
    try:
        while True:
            ok, frame = reader.read()
            if not ok:
                break
            if writer is None:
                size = (frame.shape[1], frame.shape[0])
                writer = cv2.VideoWriter(str(target), cv2.VideoWriter_fourcc(*"MJPG"), 24, size)
            writer.write(frame)
    finally:
        reader.release()
        if writer is not None:
            writer.release()
    if writer is None:
        raise ValueError(f"{source} has no frames")
    return target


if __name__ == "__main__":
    mjpeg_copy(Path(sys.argv[1]), Path(sys.argv[2]))
