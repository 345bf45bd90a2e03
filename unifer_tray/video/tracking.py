"""Following faces from frame to frame, so a timeline is per person: boxes matched by overlap
(or, for a fast move, by centre distance), a new id for a face that matches none."""

from __future__ import annotations

from dataclasses import dataclass

from ..result import Face

MIN_IOU = 0.3
MAX_GAP_S = 2.0  # a face unseen this long is a new person when it comes back


@dataclass
class _Track:
    id: int
    box: list[int]
    seen: float


def _iou(a: list[int], b: list[int]) -> float:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    w = max(0, min(ax + aw, bx + bw) - max(ax, bx))
    h = max(0, min(ay + ah, by + bh) - max(ay, by))
    inter = w * h
    return inter / max(1, aw * ah + bw * bh - inter)


def _near(a: list[int], b: list[int]) -> bool:
    centre_a = (a[0] + a[2] / 2, a[1] + a[3] / 2)
    centre_b = (b[0] + b[2] / 2, b[1] + b[3] / 2)
    distance = ((centre_a[0] - centre_b[0]) ** 2 + (centre_a[1] - centre_b[1]) ** 2) ** 0.5
    return distance < 0.5 * max(a[2], b[2]) and 0.5 < a[2] / max(1, b[2]) < 2


class Tracker:
    def __init__(self) -> None:
        self._tracks: list[_Track] = []
        self._next = 1

    def assign(self, faces: list[Face], time_s: float) -> list[Face]:
        """The faces with `track` set; largest faces choose first."""
        live = [t for t in self._tracks if time_s - t.seen <= MAX_GAP_S]
        free = list(live)
        for face in faces:
            scored = [(_iou(face.box, t.box), t) for t in free]
            best = max(scored, key=lambda pair: pair[0], default=(0.0, None))
            track = best[1] if best[0] >= MIN_IOU else next((t for t in free if _near(face.box, t.box)), None)
            if track is None:
                track = _Track(self._next, face.box, time_s)
                self._next += 1
                live.append(track)
            else:
                free.remove(track)
                track.box, track.seen = face.box, time_s
            face.track = track.id
        self._tracks = live
        return faces
