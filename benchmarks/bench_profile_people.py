"""Expression profiles with real people: teach a person's own photos, read that person's others
(printed, never asserted). docs/adr/0009-expression-profiles.md quotes it.

usage: python benchmarks/bench_profile_people.py TAIWAN_DIR [--shots 1 2 3] [--strengths ...]
       [--session ...] [--untaught ...]

TAIWAN_DIR is what ../shared/tools/taiwan_posed.py writes: 29 performers, several photos per
person and label. Each photo goes through the shipped path (detection, the general reading, its
probabilities kept as a profile keeps them). For each person, `shots` photos per label teach the
profile (a teach session of one photo, or a short burst), the person's other photos are read with
and without it; 20 random draws per person. Printed for the shipped priors (they depend on how
many labels were taught) and per uniform strength: the mean change per person, the
worst person, and how many are more than 5 points worse. Then, chosen on the people of four folds
and scored on the fifth (folds by person): one uniform strength, and the shipped rule's two
strengths (taught labels in a session, labels left untaught). Fear is printed apart: raters
agree with the performers' intended fear for only about 15 % of these photos.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import numpy as np
from bench_profile import Priors, change  # this folder is on sys.path when the script runs

from unifer_tray.pipeline import analyze_images
from unifer_tray.profile.features import log_probabilities
from unifer_tray.result import LABELS

DRAWS = 20


def readings(folder: Path, rows: list[dict[str, str]]) -> np.ndarray:
    cache = folder / "profile-people-readings.npy"
    if cache.exists():
        return np.load(cache)
    paths = [folder / row["path"] for row in rows]
    z = np.array([log_probabilities(a.faces[0].probabilities) for a in analyze_images(paths)])
    np.save(cache, z)
    return z


def person_changes(z, truth, person, shots: int, priors: Priors, rng) -> dict[str, float]:
    """Mean accuracy change on each person's untaught photos, over random teach draws."""
    out = {}
    for who in np.unique(person):
        mine = np.where(person == who)[0]
        taught_labels = [k for k in range(len(LABELS)) if (truth[mine] == k).sum() > shots]
        if len(taught_labels) < 3:
            continue
        changes = []
        for _ in range(DRAWS):
            teach = np.concatenate([rng.choice(mine[truth[mine] == k], shots, replace=False) for k in taught_labels])
            changes.append(change(z, truth, teach, np.setdiff1d(mine, teach), priors))
        out[who] = float(np.mean(changes)) * 100
    return out


def held_out(by_priors: dict, candidates: list, fold_of: dict[str, int]) -> tuple[float, list]:
    """Priors chosen on the people of four folds, scored on the fifth: the mean, and the choices."""
    scored, chosen = [], []
    for fold in range(5):
        best = max(candidates, key=lambda c: np.mean([v for w, v in by_priors[c].items() if fold_of[w] != fold]))
        chosen.append(best)
        scored += [v for w, v in by_priors[best].items() if fold_of[w] == fold]
    return float(np.mean(scored)), chosen


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--shots", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--strengths", type=float, nargs="+", default=[0.25, 0.5, 1.0, 2.0, 4.0])
    parser.add_argument("--session", type=float, nargs="+", default=[0.5, 1.0, 2.0], help="rule: taught labels")
    parser.add_argument("--untaught", type=float, nargs="+", default=[4.0, 10.0, 50.0], help="rule: untaught")
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
    rules = [(session, untaught) for session in args.session for untaught in args.untaught]
    for without_fear in (False, True):
        keep = truth != LABELS.index("fear") if without_fear else np.ones(len(truth), bool)
        print("\nwithout the fear photos" if without_fear else "\nall seven labels")
        for shots in args.shots:
            by_priors = {
                priors: person_changes(z[keep], truth[keep], person[keep], shots, priors, np.random.default_rng(0))
                for priors in [None, *args.strengths, *rules]
            }
            for priors in [None, *args.strengths]:
                d = np.array(list(by_priors[priors].values()))
                name = "the shipped priors" if priors is None else f"strength {priors:>4}"
                print(
                    f"  {shots} per label, {name}: mean {d.mean():+.2f} points per person, "
                    f"worst {d.min():+.1f}, >5 points worse {np.sum(d < -5)} of {len(d)}"
                )
            uniform, _ = held_out(by_priors, args.strengths, fold_of)
            print(f"  {shots} per label, one strength chosen on the other folds: mean {uniform:+.2f}")
            session, chosen = held_out(by_priors, rules, fold_of)
            print(f"  {shots} per label, (session, untaught) chosen on the other folds: mean {session:+.2f} {chosen}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
