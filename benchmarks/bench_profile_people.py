"""Expression profiles with real people: teach a person's own photos, read that person's others
(printed, never asserted). docs/adr/0009-expression-profiles.md quotes it.

usage: python benchmarks/bench_profile_people.py TAIWAN_DIR [--shots 1 2 3] [--strengths ...]
       [--session ...] [--untaught ...] [--nearest WIDTH:WEIGHT ...]

TAIWAN_DIR is what ../shared/tools/taiwan_posed.py writes: 29 performers, several photos per
person and label. Each photo goes through the shipped path (detection, the general reading, its
probabilities kept as a profile keeps them). For each person, `shots` photos per label teach the
profile (a teach session of one photo, or a short burst), the person's other photos are read with
and without it; 20 random draws per person. Printed: the mean change per person, the worst
person, how many are more than 5 points worse, and the share of single teach draws more than 5
points worse, for the shipped profile, the same without its nearest-example vote (the bias alone,
as shipped before), the vote at other settings, and uniform prior strengths without the vote.
Then, chosen on the people of four folds and scored on the fifth (folds by person): the vote's
(width, weight) among the `--nearest` settings, the prior rule's two strengths (taught labels
in a session, labels left untaught) with the bias alone, and one uniform strength. Fear is
printed apart: raters agree with the performers' intended fear for only about 15 % of these photos.
Last, a harder protocol: each person taught with photos of one elicitation style (FACS, a
personal event, theatrical) and read on the other styles, as a teach session posed on request is
followed by expressions of another kind.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import numpy as np
from bench_profile import SHIPPED_NEAREST, Variant, change, parse_nearest  # this folder is on sys.path

from unifer_tray.pipeline import analyze_images
from unifer_tray.profile.features import log_probabilities
from unifer_tray.result import LABELS

DRAWS = 20
NEUTRAL_POSE = "neutral_pose"  # the set's pose_type of its neutral photos, taught with every style


def readings(folder: Path, rows: list[dict[str, str]]) -> np.ndarray:
    cache = folder / "profile-people-readings.npy"
    if cache.exists():
        return np.load(cache)
    paths = [folder / row["path"] for row in rows]
    z = np.array([log_probabilities(a.faces[0].probabilities) for a in analyze_images(paths)])
    np.save(cache, z)
    return z


def teach_draws(z, truth, source, others, labels, shots: int, variant: Variant, rng) -> list[float]:
    """The accuracy change on `others` (less what was taught) for DRAWS random teach sets of
    `shots` photos per label from `source`."""
    _, priors, nearest = variant
    changes = []
    for _ in range(DRAWS):
        teach = np.concatenate([rng.choice(source[truth[source] == k], shots, replace=False) for k in labels])
        changes.append(change(z, truth, teach, np.setdiff1d(others, teach), priors, nearest) * 100)
    return changes


def person_changes(z, truth, person, shots: int, variant: Variant) -> dict[str, list[float]]:
    """Per person, the accuracy change on their untaught photos for each random teach draw."""
    rng = np.random.default_rng(0)  # the same draws for every variant
    out = {}
    for who in np.unique(person):
        mine = np.where(person == who)[0]
        labels = [k for k in range(len(LABELS)) if (truth[mine] == k).sum() > shots]
        if len(labels) >= 3:
            out[who] = teach_draws(z, truth, mine, mine, labels, shots, variant, rng)
    return out


def style_changes(z, truth, person, style, taught_style: str, variant: Variant) -> dict[str, list[float]]:
    """Per person, taught with one photo per label of one elicitation style (and the neutral
    poses), the change on the photos of the other styles, for each random teach draw: a teach
    session posed on request, then expressions of another kind."""
    rng = np.random.default_rng(0)
    out = {}
    for who in np.unique(person):
        mine = np.where(person == who)[0]
        source = mine[np.isin(style[mine], [taught_style, NEUTRAL_POSE])]
        others = mine[style[mine] != taught_style]
        labels = [k for k in range(len(LABELS)) if (truth[source] == k).any() and (truth[others] == k).any()]
        if len(labels) >= 4:
            out[who] = teach_draws(z, truth, source, others, labels, 1, variant, rng)
    return out


def held_out(by_variant: dict[str, dict[str, list[float]]], names: list[str], fold_of: dict[str, int]):
    """A variant chosen on the people of four folds, scored on the fifth: the per-person means,
    and the choices."""
    scored, chosen = [], []
    for fold in range(5):
        best = max(names, key=lambda n: np.mean([np.mean(v) for w, v in by_variant[n].items() if fold_of[w] != fold]))
        chosen.append(best)
        scored += [np.mean(v) for w, v in by_variant[best].items() if fold_of[w] == fold]
    return np.array(scored), chosen


def summary(per_person: dict[str, list[float]] | np.ndarray) -> str:
    means = per_person if isinstance(per_person, np.ndarray) else np.array([np.mean(v) for v in per_person.values()])
    text = f"mean {means.mean():+.2f} points per person, worst {means.min():+.1f}, >5 worse {np.sum(means < -5)}"
    if isinstance(per_person, dict):
        draws = np.concatenate(list(per_person.values()))
        text += f" of {len(means)}; single draws >5 worse {np.mean(draws < -5):.1%}"
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--shots", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--strengths", type=float, nargs="+", default=[0.25, 0.5, 1.0, 2.0, 4.0])
    parser.add_argument("--session", type=float, nargs="+", default=[0.5, 1.0, 2.0], help="rule: taught labels")
    parser.add_argument("--untaught", type=float, nargs="+", default=[4.0, 10.0, 50.0], help="rule: untaught")
    parser.add_argument(
        "--nearest",
        type=parse_nearest,
        nargs="+",
        default=[(w, c) for w in (0.35, 0.5, 0.75) for c in (0.3, 0.4, 0.5)],
        help="the vote's WIDTH:WEIGHT settings (default: those within FER2013's look-alike harm line)",
    )
    args = parser.parse_args()
    if not (args.folder / "labels.csv").exists():
        print(f"skipped: {args.folder} has no labels.csv; see shared/notes/devdata.md to make it", file=sys.stderr)
        return 0
    rows = list(csv.DictReader((args.folder / "labels.csv").open(encoding="utf-8")))
    truth = np.array([LABELS.index(row["label"]) for row in rows])
    person = np.array([row["subject"] for row in rows])
    fold_of = {row["subject"]: int(row["fold"]) for row in rows}
    z = readings(args.folder, rows)
    print(f"general reading: {np.mean(z.argmax(1) == truth):.1%} of {len(truth)} photos, {len(set(person))} people")
    width, _ = SHIPPED_NEAREST
    shown: list[Variant] = [
        ("shipped", None, SHIPPED_NEAREST),
        ("bias alone", None, (width, 0.0)),
        *[(f"strength {s}, bias alone", s, (width, 0.0)) for s in args.strengths],
    ]
    votes: list[Variant] = [(f"vote {w}:{c}", None, (w, c)) for w, c in args.nearest]
    rules: list[Variant] = [(f"rule {s}/{u}", (s, u), (width, 0.0)) for s in args.session for u in args.untaught]
    for without_fear in (False, True):
        keep = truth != LABELS.index("fear") if without_fear else np.ones(len(truth), bool)
        print("\nwithout the fear photos" if without_fear else "\nall seven labels")
        for shots in args.shots:
            by_variant = {
                v[0]: person_changes(z[keep], truth[keep], person[keep], shots, v) for v in shown + votes + rules
            }
            for name, *_ in shown:
                print(f"  {shots} per label, {name:>25}: {summary(by_variant[name])}")
            for title, group in (("the vote", votes), ("the prior rule", rules), ("one strength", shown[2:])):
                scored, chosen = held_out(by_variant, [v[0] for v in group], fold_of)
                print(f"  {shots} per label, {title} chosen on the other folds: {summary(scored)} {chosen}")
    style = np.array([row["pose_type"] for row in rows])
    print("\ntaught with one elicitation style, read on the others (all seven labels)")
    for taught_style in sorted(set(style) - {NEUTRAL_POSE}):
        for variant in shown[:2] + votes:
            changes = style_changes(z, truth, person, style, taught_style, variant)
            print(f"  {taught_style:>15}, {variant[0]:>12}: {summary(changes)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
