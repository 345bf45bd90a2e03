"""Face detection with MediaPipe's BlazeFace (back-camera model), on images of any size.

BlazeFace was trained on 256x256 inputs and finds faces down to about 10 px there. One letterboxed
256 pass finds every face in a small image but only large ones in a photo or a screenshot, so a
large image instead gets a fine pass over the whole frame at its own aspect ratio (the ONNX graph
accepts any size that is a multiple of 32), scaled so that ``min_face`` pixels become detectable
within a pixel budget, next to the letterboxed 256 pass, which keeps the large faces.
Detections are merged by weighted NMS, as MediaPipe does.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import onnxruntime as ort

from ..imaging import resize, window
from .models import open_session

TRAINED_SIZE = 256
SMALLEST_DETECTABLE = 10.0  # face side in px at the network's input scale
STRIDES = ((16, 2), (32, 6))  # (stride, anchors per cell), the order of the model's outputs
# The zoomed-out pass: the image's longer side at 64 px on a 128 px canvas; it answers for faces
# from 24 px there (faces over about a third of the image). It runs when nothing was found or a
# candidate spans at least ZOOM_OUT_FOR of the image's longer side: a smaller face fills at most
# half of the first pass's canvas, where the model sees it whole; the pass changed neither framing
# figure there (benchmarks/bench_framing.py) and 1 of 213 batch labels, at 2 ms a photo.
ZOOMED_OUT_CANVAS, ZOOMED_OUT_SIDE, ZOOMED_OUT_FROM, ZOOM_OUT_FOR = 128, 64, 24.0, 0.5
# Re-detection of faces whose side is at least REFINE_FROM of the image's longer side (where the
# box moves with the framing): a window of 2x the first box, at 128 px (the face at about 64 px).
REFINE_FROM, REFINE_WINDOW, REFINE_INPUT, REFINE_MIN_SCORE = 0.25, 2.0, 128, 0.5
# A face that fills a region (its box at least TIGHT of the longer side, as in aligned crops of a
# film still or a region dragged tightly) often runs past its edges. Such a face is confirmed in
# its window from REFINE_TIGHT_SCORE when it comes back in place, and when no pass found any face
# the image is tried once more at 160 px on a 256 canvas, answering only for faces that fill it:
# SFEW's training crops without a face 9.1 -> 3.4 %, no new face in 12,430 regions without one
# (benchmarks/bench_false_faces.py).
TIGHT, REFINE_TIGHT_SCORE, LAST_RESORT_CANVAS, LAST_RESORT_SIDE = 0.7, 0.3, 256, 160
# When all of that finds nothing, a face may run past the image on several sides (a crop cut
# inside the face). The image, its longer side at most MARGIN_SIDE, is detected once more inside
# a black margin of MARGIN of that side, answering only for faces at least MARGIN_FILLS of it:
# SFEW's training crops without a face 3.4 -> 2.8 %; no new face in the 12,430 regions without one,
# where an unrestricted margin finds three small ones (benchmarks/bench_false_faces.py).
MARGIN, MARGIN_SIDE, MARGIN_FILLS = 0.17, 256, 0.6
CONTAINED_SHARE = 0.6  # a detection with this share of its area inside a larger one is part of it


@dataclass(frozen=True)
class Detection:
    box: tuple[float, float, float, float]  # x, y, width, height in image pixels, inside the image
    score: float
    keypoints: np.ndarray  # 6 x 2: right eye, left eye, nose, mouth, right ear, left ear
    # The face's box as detected, before clipping to the image: a region dragged tighter than the
    # face cuts the box, not the face. Crops and the face's size come from it.
    extent: tuple[float, float, float, float]

    @property
    def area(self) -> float:
        return self.box[2] * self.box[3]


@dataclass(frozen=True)
class DetectorSettings:
    min_score: float = 0.6
    iou_threshold: float = 0.3
    min_face: float = 30.0  # px: smallest face the fine pass should find
    # Most input pixels for the fine pass. Photos: reach min_face unless the image is over ~18 Mpx
    # (about 0.2 s). Interactive screen captures use SCREEN_SETTINGS instead.
    pixel_budget: int = 2_000_000


# Interactive captures: about 25 ms on a 1920x1080 screen (1 thread); the smallest face found there
# is then about 45 px (photos: 30 px, about 48 ms).
SCREEN_SETTINGS = DetectorSettings(pixel_budget=100_000)


@cache
def _anchor_centres(height: int, width: int) -> np.ndarray:
    """Anchor centres in input pixels, in the order of the model's concatenated outputs."""
    centres = []
    for stride, per_cell in STRIDES:
        rows, cols = height // stride, width // stride
        ys, xs = np.meshgrid(np.arange(rows), np.arange(cols), indexing="ij")
        grid = np.stack([(xs + 0.5) * stride, (ys + 0.5) * stride], axis=-1).reshape(-1, 1, 2)
        centres.append(np.repeat(grid, per_cell, axis=1).reshape(-1, 2))
    return np.concatenate(centres).astype(np.float32)


def _iou(box: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """IoU of one (x1, y1, x2, y2) box against many."""
    x1 = np.maximum(box[0], boxes[:, 0])
    y1 = np.maximum(box[1], boxes[:, 1])
    x2 = np.minimum(box[2], boxes[:, 2])
    y2 = np.minimum(box[3], boxes[:, 3])
    inter = np.clip(x2 - x1, 0, None) * np.clip(y2 - y1, 0, None)
    area = (box[2] - box[0]) * (box[3] - box[1])
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    return inter / np.maximum(area + areas - inter, 1e-9)


def suppress_contained(merged: list, share: float = CONTAINED_SHARE) -> list:
    """Drops detections lying mostly inside a larger one: an eye-and-mouth patch of a face that
    fills the image reads as a second, smaller face, which IoU-based NMS keeps (small IoU)."""
    kept: list = []
    for candidate in sorted(merged, key=lambda m: -float(np.prod(m[0][2:] - m[0][:2]))):
        box = candidate[0]
        area = float(np.prod(box[2:] - box[:2]))
        inside = [
            np.prod(np.clip(np.minimum(box[2:], k[0][2:]) - np.maximum(box[:2], k[0][:2]), 0, None)) for k in kept
        ]
        if not any(overlap >= share * area for overlap in inside):
            kept.append(candidate)
    return kept


def weighted_nms(corners: np.ndarray, keypoints: np.ndarray, scores: np.ndarray, iou: float):
    """MediaPipe-style NMS: each cluster is replaced by the score-weighted mean of its members."""
    order = np.argsort(-scores)
    corners, keypoints, scores = corners[order], keypoints[order], scores[order]
    remaining = np.ones(len(scores), bool)
    merged = []
    for index in range(len(scores)):
        if not remaining[index]:
            continue
        members = remaining & (_iou(corners[index], corners) >= iou)
        remaining &= ~members
        weights = scores[members][:, None]
        box = (corners[members] * weights).sum(0) / weights.sum()
        points = (keypoints[members] * weights[:, :, None]).sum(0) / weights.sum()
        merged.append((box, points, float(scores[index])))
    return merged


# Canvases every image meets (the 256 pass, the zoomed-out pass and the re-detection): each gets
# a session planned for its shape; other sizes (the fine pass) share one with free dimensions.
FIXED_CANVASES = ((TRAINED_SIZE, TRAINED_SIZE), (ZOOMED_OUT_CANVAS, ZOOMED_OUT_CANVAS), (REFINE_INPUT, REFINE_INPUT))


def _clipped(box: np.ndarray, points: np.ndarray, score: float, shape: tuple[int, ...]) -> Detection | None:
    """The detection with its box clipped to the image (NMS ran on the unclipped boxes, and the
    unclipped one stays its extent); None when almost nothing of it is inside."""
    height, width = shape[:2]
    x1, y1 = max(0.0, box[0]), max(0.0, box[1])
    x2, y2 = min(float(width), box[2]), min(float(height), box[3])
    if x2 - x1 < 2 or y2 - y1 < 2:
        return None
    extent = (float(box[0]), float(box[1]), float(box[2] - box[0]), float(box[3] - box[1]))
    return Detection((x1, y1, x2 - x1, y2 - y1), score, points, extent)


class FaceDetector:
    def __init__(self, settings: DetectorSettings | None = None, threads: int = 1):
        self.settings = settings or DetectorSettings()
        self.threads = threads
        self.session, self.info = open_session("blazeface_back", threads)
        self._sessions: dict[tuple[int, int], ort.InferenceSession] = {}  # opened at first use
        self._input = self.session.get_inputs()[0].name
        pre = self.info.preprocessing
        self._scale, self._offset = float(pre["scale"]), float(pre["offset"])

    def _session_for(self, height: int, width: int) -> ort.InferenceSession:
        if (height, width) not in FIXED_CANVASES:
            return self.session
        if (height, width) not in self._sessions:
            fixed = {"N": 1, "H": height, "W": width}
            self._sessions[(height, width)] = open_session("blazeface_back", self.threads, fixed)[0]
        return self._sessions[(height, width)]

    def _run(self, canvas: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Sigmoid scores and decoded (cx, cy, w, h, keypoints) in canvas pixels, per anchor."""
        batch = (canvas.astype(np.float32) * self._scale + self._offset)[None]
        session = self._session_for(*canvas.shape[:2])
        scores16, scores32, reg16, reg32 = session.run(None, {self._input: batch})
        logits = np.concatenate([scores16[0, :, 0], scores32[0, :, 0]])
        regressors = np.concatenate([reg16[0], reg32[0]])
        scores = 1.0 / (1.0 + np.exp(-np.clip(logits, -80, 80)))
        centres = _anchor_centres(canvas.shape[0], canvas.shape[1])
        decoded = regressors.copy()
        decoded[:, 0:2] += centres
        decoded[:, 4:] += np.tile(centres, 6)
        return scores, decoded

    def _detect_at(
        self,
        image: np.ndarray,
        scale: float,
        canvas_hw: tuple[int, int],
        sides: tuple[float, float] = (0, np.inf),
        offset: tuple[int, int] = (0, 0),
        min_score: float | None = None,
    ):
        """One network pass over `image` (the original resized by `scale`) placed at `offset`
        (x, y) on a black canvas.

        Each pass answers for one band of face sizes (``sides``, in its input pixels), as levels
        of an image pyramid do: the 256 pass is unreliable below SMALLEST_DETECTABLE, the fine
        pass, over many more anchors, mistakes texture (film grain, clouds) for large faces that
        the 256 pass sees well anyway, and the zoomed-out pass is there for faces that fill the
        image. Coordinates come back in original pixels.
        """
        canvas = np.zeros((*canvas_hw, 3), np.uint8)
        canvas[offset[1] : offset[1] + image.shape[0], offset[0] : offset[0] + image.shape[1]] = image
        scores, decoded = self._run(canvas)
        threshold = self.settings.min_score if min_score is None else min_score
        keep = (scores >= threshold) & (decoded[:, 2] >= sides[0]) & (decoded[:, 2] <= sides[1])
        decoded, scores = decoded[keep], scores[keep]
        positions = [0, 1, *range(4, decoded.shape[1])]  # centre and keypoints; not width and height
        decoded[:, positions] -= np.tile(offset, len(positions) // 2)
        decoded /= scale
        half = decoded[:, 2:4] / 2
        corners = np.concatenate([decoded[:, 0:2] - half, decoded[:, 0:2] + half], axis=1)
        return corners, decoded[:, 4:].reshape(-1, 6, 2), scores

    def fine_scale(self, height: int, width: int) -> float | None:
        """Scale of the fine pass, or None when the letterboxed pass already sees min_face."""
        coarse = TRAINED_SIZE / max(height, width)
        wanted = SMALLEST_DETECTABLE / self.settings.min_face
        affordable = (self.settings.pixel_budget / (height * width)) ** 0.5
        fine = min(wanted, affordable, 1.0)
        if affordable < min(wanted, 1.0):
            # Budget-bound: the network pads its input to multiples of 32, so a scale that lands
            # the longer side on one spends the budget on pixels rather than on padding.
            snapped = (round(max(height, width) * fine) // 32) * 32 / max(height, width)
            fine = snapped if snapped > 0.9 * fine else fine
        return fine if fine > coarse * 1.25 else None

    def coarse_side(self, height: int, width: int) -> int:
        """The letterboxed pass's canvas: the trained 256, or 128 for an image small enough that
        `min_face` still reaches SMALLEST_DETECTABLE there (up to 384 px for 30 px faces). A 256
        pass over a small photo looks for faces far below `min_face`, at four times the cost."""
        small = REFINE_INPUT  # a canvas with a session of its own already
        return small if self.settings.min_face * small / max(height, width) >= SMALLEST_DETECTABLE else TRAINED_SIZE

    def _zoomed_out(
        self, letterboxed: np.ndarray, scale: float, canvas_side: int, image_side: int, fills: float | None = None
    ):
        """The image shrunk and centred on a small canvas: BlazeFace's back-camera model
        misses or splits faces that fill its input (a region dragged tightly around a face),
        and sees them whole at this size. Takes the 256 pass's input (already small).
        ``fills``: answer only for faces at least this share of the image's longer side."""
        shrink = image_side / max(letterboxed.shape[:2])
        small = resize(letterboxed, shrink)
        offset = ((canvas_side - small.shape[1]) // 2, (canvas_side - small.shape[0]) // 2)
        smallest = ZOOMED_OUT_FROM * canvas_side / ZOOMED_OUT_CANVAS if fills is None else fills * image_side
        canvas = (canvas_side, canvas_side)
        return self._detect_at(small, scale * shrink, canvas, sides=(smallest, np.inf), offset=offset)

    def _candidates(self, rgb: np.ndarray, last_resort: bool = True) -> list[tuple[np.ndarray, np.ndarray, float]]:
        """Faces from the pyramid of passes, merged: (corners x1 y1 x2 y2, keypoints, score)."""
        height, width = rgb.shape[:2]
        fine = self.fine_scale(height, width)
        side = self.coarse_side(height, width) if fine is None else TRAINED_SIZE
        scale = side / max(height, width)
        square = (side, side)
        if fine is None:
            letterboxed = resize(rgb, scale)
            parts = [self._detect_at(letterboxed, scale, square)]
        else:
            small = resize(rgb, fine)
            letterboxed = resize(small, scale / fine)
            padded = (-(-small.shape[0] // 32) * 32, -(-small.shape[1] // 32) * 32)
            overlap = 2 * SMALLEST_DETECTABLE * fine / scale  # faces both passes answer for
            parts = [
                self._detect_at(small, fine, padded, sides=(0, overlap)),
                self._detect_at(letterboxed, scale, square, sides=(SMALLEST_DETECTABLE, np.inf)),
            ]
        sides = np.concatenate([p[0][:, 2] - p[0][:, 0] for p in parts])
        if not len(sides) or sides.max() >= ZOOM_OUT_FOR * max(height, width):
            # Nothing found, or a face that fills much of the image: the case this pass is for.
            parts.append(self._zoomed_out(letterboxed, scale, ZOOMED_OUT_CANVAS, ZOOMED_OUT_SIDE))
        if last_resort and not sum(len(p[0]) for p in parts):
            parts.append(self._zoomed_out(letterboxed, scale, LAST_RESORT_CANVAS, LAST_RESORT_SIDE, TIGHT))
        corners = np.concatenate([p[0] for p in parts])
        if not len(corners):
            return []
        keypoints = np.concatenate([p[1] for p in parts])
        scores = np.concatenate([p[2] for p in parts])
        return weighted_nms(corners, keypoints, scores, self.settings.iou_threshold)

    def _refine(self, rgb: np.ndarray, corners: np.ndarray, points: np.ndarray, score: float):
        """The face detected once more in a canonical window around it.

        BlazeFace's box depends on how the face sits in its input, so the same face framed in
        different regions gets boxes from 0.65x to 1.07x, worst when it fills the region; cut at a
        fixed multiple of the first box and resized to a fixed input, the face always sits the same
        way and its box stops moving with the framing (0.97-1.03x in benchmarks/bench_framing.py).
        Small faces in a large image do not need it: their box is what the window would give.
        None when the window shows no face there: a large first box that does not come back is
        texture, not a face (the zoomed-out pass sees faces in the layout of a whole screen).
        """
        centre = (corners[:2] + corners[2:]) / 2
        first_side = float(max(corners[2:] - corners[:2]))
        side = first_side * REFINE_WINDOW
        x0, y0 = round(centre[0] - side / 2), round(centre[1] - side / 2)
        cut = window(rgb, x0, y0, max(2, round(side)))
        scale = REFINE_INPUT / cut.shape[0]
        tight = first_side >= TIGHT * max(rgb.shape[:2])
        found, found_points, found_scores = self._detect_at(
            resize(cut, scale),
            scale,
            (REFINE_INPUT, REFINE_INPUT),
            min_score=REFINE_TIGHT_SCORE if tight else REFINE_MIN_SCORE,
        )
        middle = np.array([cut.shape[1] / 2, cut.shape[0] / 2])

        def confirmed(min_score: float, off_centre: float, sizes: tuple[float, float]) -> list:
            strong = found_scores >= min_score
            if not strong.any():
                return []
            return [
                m
                for m in weighted_nms(
                    found[strong], found_points[strong], found_scores[strong], self.settings.iou_threshold
                )
                if np.linalg.norm((m[0][:2] + m[0][2:]) / 2 - middle) < first_side * off_centre
                and sizes[0] < max(m[0][2:] - m[0][:2]) / first_side < sizes[1]
            ]

        # A face cut by the edges of a tight region is seen less surely in the window, where the
        # cut shows as black; there it is taken at a lower score if it comes back in place and size.
        agreeing = confirmed(REFINE_MIN_SCORE, 0.5, (0.5, 2.0)) or (
            tight and confirmed(REFINE_TIGHT_SCORE, 0.15, (0.8, 1.25))
        )
        if not agreeing:
            return None
        box, new_points, new_score = max(agreeing, key=lambda m: m[2])
        shift = np.array([x0, y0], dtype=np.float64)
        return box + np.tile(shift, 2), new_points + shift, max(score, new_score)

    def follow(self, rgb: np.ndarray, boxes: list[list[int]]) -> list[Detection] | None:
        """The faces of the previous video frame, found again in their canonical windows only
        (about 2 ms each instead of a whole detection); None when one of them is lost, so the
        caller detects afresh."""
        found = []
        for x, y, w, h in boxes:
            corners = np.array([x, y, x + w, y + h], dtype=np.float64)
            again = self._refine(rgb, corners, np.zeros((6, 2)), 0.0)
            detection = _clipped(again[0], again[1], again[2], rgb.shape) if again is not None else None
            if detection is None:
                return None
            found.append(detection)
        return sorted(found, key=lambda d: d.area, reverse=True)

    def _in_margin(self, rgb: np.ndarray) -> list[Detection]:
        """The faces that fill `rgb`, found with a black margin around it (see MARGIN)."""
        scale = min(1.0, MARGIN_SIDE / max(rgb.shape[:2]))
        small = resize(rgb, scale)
        pad = round(MARGIN * max(small.shape[:2]))
        found = self._found(np.pad(small, ((pad, pad), (pad, pad), (0, 0))), last_resort=False)
        smallest = MARGIN_FILLS * max(small.shape[:2])
        back = [
            _clipped((np.array([x, y, x + w, y + h]) - pad) / scale, (d.keypoints - pad) / scale, d.score, rgb.shape)
            for d in found
            for x, y, w, h in [d.extent]
            if max(w, h) >= smallest
        ]
        return [d for d in back if d is not None]

    def detect(self, rgb: np.ndarray) -> list[Detection]:
        """The faces in `rgb`, largest first."""
        return self._found(rgb) or self._in_margin(rgb)

    def _found(self, rgb: np.ndarray, last_resort: bool = True) -> list[Detection]:
        height, width = rgb.shape[:2]
        large = REFINE_FROM * max(height, width)
        checked = [
            self._refine(rgb, *candidate) if max(candidate[0][2:] - candidate[0][:2]) >= large else candidate
            for candidate in self._candidates(rgb, last_resort)
        ]
        refined = [candidate for candidate in checked if candidate is not None]
        if not refined:
            return []
        corners = np.stack([r[0] for r in refined])
        # Candidates that were two pieces of one face now have nearly the same box.
        merged = suppress_contained(
            weighted_nms(corners, np.stack([r[1] for r in refined]), np.array([r[2] for r in refined]), 0.5)
        )
        detections = [d for d in (_clipped(b, p, s, rgb.shape) for b, p, s in merged) if d is not None]
        return sorted(detections, key=lambda d: d.area, reverse=True)
