"""Expression profiles: what teaching one photo per expression does to the rest of a person's
photos, and what it costs (printed, never asserted). docs/adr/0009-expression-profiles.md quotes it.

usage: python benchmarks/bench_profile.py FER2013_TRAIN_DIR [--side PX] [--strengths 0.5 2]
       [--nearest WIDTH:WEIGHT ...] [--jobs N]
(needs scikit-learn: pip install -e '.[bench]')

FER2013 has no identities, and nothing here has one person's labelled expressions, so two
proxies of "one person" are used, both on the shipped path (each image analysed with
`--faces whole`, its `probabilities` kept as `Example.of` keeps them, the profile fitted by
`Calibration.fit`):

- look-alikes: each fold's images clustered into 80 groups by appearance (PCA of 12x12 grey
  pixels, k-means), a group taken as one "person". Their expressions are no more consistent than
  strangers': this protocol measures the harm a profile can do.
- consistent conditions: 28 images (4 per label) of one fold seen through one fixed condition
  (lower face darkened as by a beard or mask, a bar over the eyes, side light, a 15 degree tilt,
  blur, a squeezed face, a dark exposure, the forehead cut off), as one user's camera would
  consistently distort them. One image per label teaches, three per label are tested.

`--side 160` enlarges every image first, so the shipped rule reads it as a sharp face (face-api
alone, untempered), as it reads the user's webcam; the default, 48, reads FER2013 as small faces
(face-api with the FER2013 pair, which was trained on these very images: flattered).

For each person: teach one random image per label, score the others with and without the
profile; printed per rule (the shipped one, the same without its nearest-example vote, the vote at
other settings, uniform prior strengths): the mean change, the 5th percentile, and the share of
people more than 10 points worse or better. The rule is chosen on four folds and scored on the fifth.
Speed: fitting a profile and applying it to a face.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

from unifer_tray.pipeline import analyze_images
from unifer_tray.profile.calibration import (
    FEATURE_FLOOR,
    NEAREST_WEIGHT,
    NEAREST_WIDTH,
    PRIOR_STRENGTH,
    Calibration,
    prior_strengths,
)
from unifer_tray.profile.features import log_probabilities
from unifer_tray.result import LABELS
from unifer_tray.vision.models import manifest

FOLDS = 5
PEOPLE_PER_FOLD = 80
CONDITION_PEOPLE = 10  # per condition and fold


def conditions() -> dict[str, Callable[[np.ndarray], np.ndarray]]:
    rows = np.arange(48)[:, None] * np.ones((1, 48))

    def darken_lower(a):
        a = a.copy()
        a[30:] *= 0.35
        return a

    def bar_over_eyes(a):
        a = a.copy()
        a[14:24, 6:42] = 20
        return a

    def squeeze(a):
        image = Image.fromarray(a.astype(np.uint8)).resize((36, 48))
        canvas = Image.new("L", (48, 48), 0)
        canvas.paste(image, (6, 0))
        return np.asarray(canvas, np.float32)

    def cut_forehead(a):
        a = a.copy()
        a[:12] = 0
        return a

    return {
        "lower face dark": darken_lower,
        "bar over the eyes": bar_over_eyes,
        "side light": lambda a: a * (0.25 + 1.2 * rows.T / 47),
        "15 degree tilt": lambda a: np.asarray(
            Image.fromarray(a.astype(np.uint8)).rotate(15, Image.BILINEAR), np.float32
        ),
        "blur": lambda a: np.asarray(
            Image.fromarray(a.astype(np.uint8)).filter(ImageFilter.GaussianBlur(1.6)), np.float32
        ),
        "squeezed": squeeze,
        "dark exposure": lambda a: 255 * (a / 255) ** 2.2,
        "forehead cut off": cut_forehead,
    }


def features(grey: list[np.ndarray], side: int, jobs: int) -> np.ndarray:
    """The general model's log-probabilities per grey 48 px image shown at `side` px, as a
    profile keeps them."""
    rows = []
    for start in range(0, len(grey), 1000):  # bounded memory on the way to the workers
        images = []
        for pixels in grey[start : start + 1000]:
            image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).convert("RGB")
            images.append(np.asarray(image.resize((side, side), Image.BICUBIC) if side != 48 else image))
        for analysis in analyze_images(images, jobs=jobs, whole=True):
            rows.append(log_probabilities(analysis.faces[0].probabilities))
    return np.array(rows)


def cached_features(folder: Path, paths: list[Path], side: int, jobs: int) -> np.ndarray:
    models = "".join(i.sha256 for i in manifest().values())
    key = hashlib.sha256(f"{models}|{len(paths)}|{side}".encode()).hexdigest()[:16]
    cache = folder / f"profile-features-{key}.npy"
    if cache.exists():
        return np.load(cache)
    result = features([np.asarray(Image.open(p).convert("L"), np.float32) for p in paths], side, jobs)
    np.save(cache, result)
    return result


FLOOR = [FEATURE_FLOOR]  # --floor replaces it


# A prior strength for every label; (session, untaught) strengths for the shipped rule's shape
# (`calibration.prior_strengths`); None: the shipped priors.
Priors = float | tuple[float, float] | None
# The nearest-example vote's (width, weight); weight 0 leaves the bias alone.
Nearest = tuple[float, float]
SHIPPED_NEAREST: Nearest = (NEAREST_WIDTH, NEAREST_WEIGHT)


def change(
    z: np.ndarray,
    truth: np.ndarray,
    teach: np.ndarray,
    test: np.ndarray,
    priors: Priors,
    nearest: Nearest = SHIPPED_NEAREST,
) -> float:
    """Accuracy on `test` with a profile taught on `teach`, minus accuracy without."""
    if isinstance(priors, tuple):
        priors = prior_strengths(truth[teach], *priors)
    width, weight = nearest
    profile = Calibration.fit("bench", z[teach], truth[teach], priors, width, weight, FLOOR[0])
    adapted = profile.read(z[test])
    return float((adapted.argmax(1) == truth[test]).mean() - (z[test].argmax(1) == truth[test]).mean())


def look_alikes(pixels: np.ndarray, folds: np.ndarray) -> np.ndarray:
    try:
        from sklearn.cluster import KMeans
        from sklearn.decomposition import PCA
    except ImportError:
        sys.exit("bench_profile.py groups faces with scikit-learn: pip install -e '.[bench]'")

    person = np.zeros(len(folds), int)
    components = PCA(30, random_state=0).fit_transform(pixels - pixels.mean(1, keepdims=True))
    for fold in range(FOLDS):
        members = np.where(folds == fold)[0]
        groups = KMeans(PEOPLE_PER_FOLD, n_init=1, random_state=fold).fit_predict(components[members])
        person[members] = groups + fold * PEOPLE_PER_FOLD
    return person


# A profile rule to measure: its name, its priors, its nearest-example vote.
Variant = tuple[str, Priors, Nearest]


def variants(strengths: list[float], nearest: list[Nearest]) -> list[Variant]:
    """The shipped rule, the same without the vote, the vote at other settings, and uniform
    prior strengths without the vote (how PRIOR_STRENGTH was chosen)."""
    width, _ = SHIPPED_NEAREST
    return [
        ("shipped", None, SHIPPED_NEAREST),
        ("bias alone", None, (width, 0.0)),
        *[(f"vote {w}:{c}", None, (w, c)) for w, c in nearest if (w, c) != SHIPPED_NEAREST],
        *[(f"strength {s}, bias alone", s, (width, 0.0)) for s in strengths],
    ]


def parse_nearest(text: str) -> Nearest:
    width, weight = text.split(":")
    return float(width), float(weight)


def look_alike_changes(z, truth, person, fold_of_person, variant: Variant, seed=0) -> dict[int, list[float]]:
    rng = np.random.default_rng(seed)
    _, priors, nearest = variant
    per_fold: dict[int, list[float]] = {}
    for who in np.unique(person):
        members = np.where(person == who)[0]
        teach = [rng.choice(members[truth[members] == k]) for k in range(7) if (truth[members] == k).sum() >= 2]
        if len(teach) < 3:
            continue
        test = np.setdiff1d(members, teach)
        per_fold.setdefault(fold_of_person[who], []).append(change(z, truth, np.array(teach), test, priors, nearest))
    return per_fold


def report(name: str, per_fold_by_variant: dict[str, dict[int, list[float]]]) -> None:
    print(f"\n{name}")
    for variant, per_fold in per_fold_by_variant.items():
        d = np.concatenate(list(per_fold.values())) * 100
        print(
            f"  {variant:>26}: mean {d.mean():+.2f} points, 5th percentile {np.percentile(d, 5):+.1f}, "
            f">10 points worse {np.mean(d < -10):.1%}, >10 points better {np.mean(d > 10):.1%} ({len(d)} people)"
        )
    chosen, held_out = [], []
    for fold in range(FOLDS):

        def mean_on_others(v, fold=fold):
            return np.mean([x for f, xs in per_fold_by_variant[v].items() if f != fold for x in xs])

        best = max(per_fold_by_variant, key=mean_on_others)
        chosen.append(best)
        held_out.append(np.mean(per_fold_by_variant[best].get(fold, [np.nan])) * 100)
    print(f"  chosen on the other folds: {chosen}; held-out fold means {np.round(held_out, 2).tolist()}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="the FER2013 training split (labels.csv, <label>/*.jpg)")
    parser.add_argument("--side", type=int, default=48, help="show each image at this side (default 48)")
    parser.add_argument("--strengths", type=float, nargs="*", default=[0.5, 2.0], help="uniform, bias alone")
    parser.add_argument(
        "--nearest",
        type=parse_nearest,
        nargs="*",
        default=[(0.5, 0.5), (0.5, 0.6), (0.5, 0.8), (0.75, 0.4)],
        help="the vote's WIDTH:WEIGHT settings to try beside the shipped one",
    )
    parser.add_argument("--floor", type=float, default=FEATURE_FLOOR, help=f"feature floor (shipped: {FEATURE_FLOOR})")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    FLOOR[0] = args.floor
    if not (args.folder / "labels.csv").exists():
        print(f"skipped: {args.folder} has no labels.csv; see shared/notes/devdata.md to make it", file=sys.stderr)
        return 0
    rows = list(csv.DictReader((args.folder / "labels.csv").open(encoding="utf-8")))
    paths = [args.folder / row["path"] for row in rows]
    truth = np.array([LABELS.index(row["label"]) for row in rows])
    folds = np.array([int(row["fold"]) for row in rows])

    # speed
    rng = np.random.default_rng(0)
    general = {label: float(p) for label, p in zip(LABELS, rng.dirichlet(np.ones(7)), strict=True)}
    for count in (7, 70, 700):
        z = np.log(rng.dirichlet(np.ones(7), count))
        start = time.perf_counter()
        for _ in range(20):
            profile = Calibration.fit("me", z, rng.integers(0, 7, count))
        print(f"fit from {count} examples: {(time.perf_counter() - start) / 20 * 1000:.2f} ms")
    start = time.perf_counter()
    for _ in range(10000):
        profile.probabilities(general)
    print(f"applied to one face: {(time.perf_counter() - start) / 10000 * 1e6:.0f} us")
    print(
        f"shipped: lone-correction strength {PRIOR_STRENGTH}, vote {SHIPPED_NEAREST}, floor {FEATURE_FLOOR}; "
        f"measured here with floor {FLOOR[0]}"
    )
    rules = variants(args.strengths, args.nearest)

    z = cached_features(args.folder, paths, args.side, args.jobs)
    print(f"general model on the split (whole-image crops at {args.side} px): {np.mean(z.argmax(1) == truth):.1%}")

    pixels = np.stack(
        [np.asarray(Image.open(p).convert("L").resize((12, 12), Image.BILINEAR), np.float32).ravel() for p in paths]
    )
    person = look_alikes(pixels, folds)
    fold_of_person = {who: int(folds[person == who][0]) for who in np.unique(person)}
    report(
        "look-alikes (one fold's images grouped by appearance): the harm a profile can do",
        {rule[0]: look_alike_changes(z, truth, person, fold_of_person, rule) for rule in rules},
    )

    by_rule: dict[str, dict[int, list[float]]] = {rule[0]: {} for rule in rules}
    grey = {}
    for fold in range(FOLDS):
        for distort in conditions().values():
            people = []
            for _ in range(CONDITION_PEOPLE):
                people.append(
                    np.stack(
                        [rng.choice(np.where((truth == k) & (folds == fold))[0], 4, replace=False) for k in range(7)]
                    )
                )
            needed = np.unique(np.concatenate([p.ravel() for p in people]))
            for index in needed:
                if index not in grey:
                    grey[index] = np.asarray(Image.open(paths[index]).convert("L"), np.float32)
            seen = dict(
                zip(needed.tolist(), features([distort(grey[i]) for i in needed], args.side, args.jobs), strict=True)
            )
            for person_images in people:
                teach, test = person_images[:, 0], person_images[:, 1:].ravel()
                zz = np.array([seen[i] for i in np.concatenate([teach, test])])
                tt = truth[np.concatenate([teach, test])]
                for name, priors, nearest in rules:
                    by_rule[name].setdefault(fold, []).append(
                        change(zz, tt, np.arange(7), np.arange(7, len(tt)), priors, nearest)
                    )
        print(f"\r  conditions: fold {fold + 1}/{FOLDS}", end="", file=sys.stderr)
    print(file=sys.stderr)
    report("consistent conditions (one distortion, 4 images per label; teach 1, test 3)", by_rule)
    return 0


if __name__ == "__main__":
    sys.exit(main())
