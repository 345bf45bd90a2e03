"""``unifer``: analyse images and evaluate on labelled folders.

Exit codes (exit_codes.py): 0 all inputs analysed, 1 some inputs failed (each reported),
2 usage errors.
"""

from __future__ import annotations

import argparse
import os
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__
from ..exit_codes import ExitCode
from ..private_files import open_private

if TYPE_CHECKING:
    import numpy as np

    from ..pipeline import Options, Setup
    from ..profile.calibration import Calibration
    from ..result import Analysis


def _setup(args: argparse.Namespace) -> Setup:
    """How this run's pipeline is built (--min-face, --threads, --describe with the config's Ollama)."""
    from ..pipeline import Setup

    ollama = None
    if getattr(args, "describe", False):
        from ..config import load_config

        config = load_config()
        for warning in config.warnings:
            print(f"unifer: config: {warning}", file=sys.stderr)
        ollama = config.ollama
    return Setup(min_face=args.min_face, threads=args.threads, ollama=ollama)


def _options(args: argparse.Namespace, profile: Calibration | None) -> Options:
    from ..pipeline import Options, geometry_option

    return Options(
        whole=args.faces == "whole",
        profile=profile,
        fps=getattr(args, "fps", 2.0),
        smooth=getattr(args, "smooth", 0.0),
        geometry=geometry_option(getattr(args, "geometry", False), getattr(args, "landmarks", False)),
    )


def _profile(args: argparse.Namespace) -> Calibration | None:
    """The --profile, fitted once for the whole run (ProfileError says why it cannot be used)."""
    if not args.profile:
        return None
    from ..pipeline import load_profile

    return load_profile(args.profile)


def _progress(total: int, description: str):
    """A progress bar on an interactive stderr only, so pipes and logs stay clean."""
    from tqdm import tqdm

    return tqdm(total=total, desc=description, unit="img", disable=total < 2 or not sys.stderr.isatty(), leave=False)


STDIN = Path("-")


def _annotated_path(folder: Path, image: Path, roots: list[Path]) -> Path:
    """Where the annotated copy of `image` goes: its path below the folder it was found in
    (or its name, for a file given by itself), as PNG; a re-run replaces the earlier copy."""
    for root in roots:
        if image.is_relative_to(root):
            return folder / root.name / image.relative_to(root).with_suffix(".png")
    return folder / (image.stem + ".png")


def _usage_problem(args: argparse.Namespace) -> str | None:
    """Output places that cannot work, found before any image is analysed."""
    if args.annotate is not None and args.annotate.exists() and not args.annotate.is_dir():
        return f"--annotate {args.annotate}: is a file; give a folder for the annotated copies"
    if args.output is not None:
        if args.output.is_dir():
            return f"--output {args.output}: is a folder; give a file name"
        if not args.output.parent.is_dir():
            return f"--output {args.output}: the folder {args.output.parent} does not exist"
    if list(args.paths).count(STDIN) > 1:
        return "'-' (standard input) can be given once"
    return None


def run_analyze(args: argparse.Namespace) -> int:
    from ..outcome import save_annotated, save_timeline, video_text
    from ..pipeline import analyze_paths, find_images, loaded
    from ..resources import sample_image
    from ..result import Analysis, record_fields
    from ..video.timeline import VideoSummary
    from .output import WRITERS

    inputs = list(args.paths) + ([sample_image()] if args.sample else [])
    if not inputs:
        print("unifer analyze: error: give image files or folders, - for stdin, or --sample", file=sys.stderr)
        return ExitCode.USAGE
    problem = _usage_problem(args)
    if problem:
        print(f"unifer analyze: error: {problem}", file=sys.stderr)
        return ExitCode.USAGE
    profile = _profile(args)
    from_stdin = STDIN in inputs
    files, problems = find_images([path for path in inputs if path != STDIN])
    roots = [path for path in inputs if path != STDIN and path.is_dir()]
    failures = 0
    target = open_private(args.output, newline="") if args.output else nullcontext(sys.stdout)
    with target as stream, _progress(len(files), "analysing") as bar:
        writer = WRITERS[args.format](
            stream, record_fields(profile=profile is not None, geometry=args.geometry or args.landmarks)
        )

        def report(analysis: Analysis, rgb: np.ndarray | None, image: Path) -> None:
            nonlocal failures
            writer.write(analysis)
            if analysis.error:
                failures += 1
                print(f"unifer: {analysis.source}: {analysis.error}", file=sys.stderr)
            elif args.annotate and rgb is not None:
                copy = _annotated_path(args.annotate, image, roots)
                copy.parent.mkdir(parents=True, exist_ok=True)
                save_annotated(rgb, analysis, copy)

        for path, message in problems:
            report(Analysis.from_error(str(path), message), None, path)
        setup, options = _setup(args), _options(args, profile)
        if from_stdin:
            data = sys.stdin.buffer.read()
            report(*loaded(setup).run(data, options, source="-"), Path("stdin"))
        summaries: dict[Path, VideoSummary] = {}
        for read in analyze_paths(files, options, setup, jobs=args.jobs, keep_pixels=bool(args.annotate)):
            report(read.analysis, read.rgb, read.path)
            if read.video:
                summaries.setdefault(read.path, VideoSummary(str(read.path))).add(read.analysis)
            if read.last:
                bar.update()
        writer.close()
    for path, summary in summaries.items() if args.timeline else ():
        save_timeline(summary, _timeline_path(args.timeline, path, several=len(summaries) > 1))
    if args.format == "text" and summaries and args.output is None:
        print("\n".join(video_text(summary) for summary in summaries.values()))
    return ExitCode.FAILED if failures else ExitCode.OK


def _timeline_path(requested: Path, video: Path, several: bool) -> Path:
    """--timeline FILE.png for one video; with several videos, FILE-<video name>.png beside it."""
    return requested.with_name(f"{requested.stem}-{video.stem}.png") if several else requested


def run_eval(args: argparse.Namespace) -> int:
    from ..evaluation import DatasetError, evaluate, find_dataset, plot_confusion, read_groups

    try:
        items, ignored = find_dataset(args.directory)
        groups = read_groups(args.directory, args.by) if args.by else {}
    except DatasetError as exc:
        print(f"unifer eval: error: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    for name in ignored:
        print(f"unifer eval: warning: folder {name!r} is not a known label; its images are not scored", file=sys.stderr)
    from ..pipeline import analyze_paths

    reads = analyze_paths([path for path, _ in items], _options(args, _profile(args)), _setup(args), jobs=args.jobs)
    scored = []
    with _progress(len(items), "evaluating") as bar:
        for (path, truth), read in zip(items, reads, strict=True):
            group = groups.get(path.resolve(), "(not in labels.csv)") if args.by else None
            scored.append((truth, read.analysis, group))
            bar.update()
    result = evaluate(scored)
    if args.format == "json":
        import json

        print(json.dumps(result.to_dict(), indent=2))
    else:
        print(result.to_text(errors=args.errors))
    if args.plot:
        plot_confusion(result, args.plot)
        print(f"confusion matrix written to {args.plot}", file=sys.stderr if args.format == "json" else sys.stdout)
    return ExitCode.FAILED if result.failed else ExitCode.OK


def run_doctor(args: argparse.Namespace) -> int:
    import json

    from ..doctor import FAIL, as_dicts, run_checks

    checks = run_checks()
    if args.json:
        print(json.dumps(as_dicts(checks), indent=2))
    else:
        for group in dict.fromkeys(check.serves for check in checks):
            print(f"{group}:")
            for check in (c for c in checks if c.serves == group):
                print(f"  [{check.status:^4}] {check.name}: {check.detail}")
                if check.fix and check.status != "ok":
                    print(f"         fix: {check.fix}")
    return ExitCode.FAILED if any(c.status == FAIL for c in checks) else ExitCode.OK


def run_config(args: argparse.Namespace) -> int:
    from ..config import as_toml, config_path, load_config, set_value

    if args.action == "path":
        print(config_path())
    elif args.action == "show":
        config = load_config()
        print(f"# {config_path()}{'' if config_path().exists() else ' (not created: these are the defaults)'}")
        print(as_toml(config), end="")
        for warning in config.warnings:
            print(f"# warning: {warning}")
    else:
        if len(args.values) != 2:
            print("unifer config set: error: give KEY VALUE, e.g. ollama.timeout 10", file=sys.stderr)
            return ExitCode.USAGE
        set_value(*args.values)
        print(f"{args.values[0]} = {args.values[1]} (saved to {config_path()})")
    return ExitCode.OK


def _non_negative(text: str) -> float:
    value = float(text)
    if not 0 <= value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {text}")
    return value


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def _face_side(text: str) -> float:
    """--min-face: a side in pixels; 0 or less would ask for an infinitely fine pass."""
    value = float(text)
    if not 1 <= value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a face side of 1 px or more, not {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="unifer", description="On-device facial expression analysis.")
    parser.add_argument("--version", action="version", version=f"unifer {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--faces",
        choices=["detect", "whole"],
        default="detect",
        help="detect faces (default), or treat each image as one cropped face",
    )
    common.add_argument(
        "--min-face",
        type=_face_side,
        default=30.0,
        metavar="PX",
        help="smallest face side in pixels to look for in large images (default 30)",
    )
    common.add_argument(
        "--threads", type=int, default=1, help="inference threads per model (default 1, the fastest on small inputs)"
    )
    common.add_argument(
        "--profile",
        metavar="NAME",
        help="read faces with your expression profile NAME (see `unifer profile`); each face keeps the general "
        "reading in base_expression and base_probabilities",
    )
    common.add_argument(
        "--jobs",
        type=_positive_int,
        default=os.cpu_count() or 1,
        metavar="N",
        help="processes for a batch, each loading the models once (default: the number of cores); "
        "results keep the input order",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    analyze = sub.add_parser("analyze", parents=[common], help="analyse image files and folders")
    analyze.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="image files or folders (recursive); - reads one image from stdin",
    )
    analyze.add_argument("--sample", action="store_true", help="also analyse the bundled sample photo")
    analyze.add_argument(
        "--format",
        choices=["text", "json", "jsonl", "csv"],
        default="text",
        help="text for people (default); json (one array), jsonl (a line per image, streamed) or csv (a row per face)",
    )
    analyze.add_argument("--annotate", type=Path, metavar="DIR", help="write copies with boxes and labels here")
    analyze.add_argument("--output", type=Path, metavar="FILE", help="write results to FILE instead of stdout")
    analyze.add_argument(
        "--describe", action="store_true", help="add a description by a local vision model served by Ollama"
    )
    analyze.add_argument(
        "--fps",
        type=_non_negative,
        default=5.0,
        metavar="F",
        help="videos: analyse F frames per second of video time (default 5; 0: every frame)",
    )
    analyze.add_argument(
        "--smooth",
        type=_non_negative,
        default=0.0,
        metavar="SECONDS",
        help="videos: labels from each person's mean over the last SECONDS (default 0: off; "
        "probabilities stay per frame)",
    )
    analyze.add_argument(
        "--timeline", type=Path, metavar="PNG", help="videos: draw each person's expressions over time to PNG"
    )
    analyze.add_argument(
        "--geometry",
        action="store_true",
        help="add each face's head pose (yaw, pitch, roll) and eye and mouth openness (about 5 ms a face)",
    )
    analyze.add_argument(
        "--landmarks",
        action="store_true",
        help="add each face's 468 mesh points [x, y, z] in image pixels (JSON: `mesh`; implies --geometry)",
    )
    analyze.set_defaults(handler=run_analyze)

    evaluate = sub.add_parser(
        "eval", parents=[common], help="accuracy on DIR/<label>/ images (the largest face of each image is scored)"
    )
    evaluate.add_argument("directory", type=Path, metavar="DIR", help="a folder with one subfolder of images per label")
    evaluate.add_argument("--plot", type=Path, metavar="FILE", help="write a confusion-matrix PNG")
    evaluate.add_argument(
        "--errors", action="store_true", help="list every misclassified or no-face image with what it was read as"
    )
    evaluate.add_argument(
        "--format", choices=["text", "json"], default="text", help="json: every figure, the confusion matrix, errors"
    )
    evaluate.add_argument(
        "--by",
        metavar="COLUMN",
        help="also give the accuracy per value of COLUMN of DIR/labels.csv (e.g. subject, film); "
        "labels.csv needs a path column relative to DIR",
    )
    evaluate.set_defaults(handler=run_eval)

    doctor = sub.add_parser("doctor", help="check models, config and Ollama, and say how to fix problems")
    doctor.add_argument("--json", action="store_true", help="machine-readable output")
    doctor.set_defaults(handler=run_doctor)

    from .history import add_parser as add_history_parser

    add_history_parser(sub)

    from .profile import add_parser as add_profile_parser

    add_profile_parser(sub)

    config = sub.add_parser(
        "config",
        help="show or change settings",
        description="unifer config [show]: the settings in force, as TOML; unifer config path: where the file is; "
        "unifer config set KEY VALUE: change one, e.g. unifer config set ollama.timeout 10",
    )
    config.add_argument("action", nargs="?", choices=["path", "show", "set"], default="show", help="default: show")
    config.add_argument("values", nargs="*", metavar="KEY VALUE", help="for set: e.g. ollama.timeout 10")
    config.set_defaults(handler=run_config)
    return parser


def _innermost(parser: argparse.ArgumentParser, args: argparse.Namespace) -> argparse.ArgumentParser:
    """The (sub)command parser the user reached, so a typo shows that command's usage."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for chosen in (getattr(args, name, None) for name in ("command", "history_action", "profile_action")):
                if chosen in action.choices:
                    return _innermost(action.choices[chosen], args)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        _innermost(parser, args).error(f"unrecognized arguments: {' '.join(unknown)}")
    from ..config import ConfigError
    from ..pipeline import ModelError
    from ..profile.store import ProfileError

    try:
        return int(args.handler(args))
    except ConfigError as exc:
        print(f"unifer: config error: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    except ProfileError as exc:
        print(f"unifer: profile: {exc}", file=sys.stderr)
        return ExitCode.FAILED
    except ModelError as exc:
        print(f"unifer: error: {exc}", file=sys.stderr)
        return ExitCode.FAILED
    except BrokenPipeError:  # `unifer analyze ... | head`: the reader left, nothing to report
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keeps the interpreter's final flush quiet
        return ExitCode.OK
    except OSError as exc:  # output file or annotate folder not writable, disk full
        print(f"unifer: error: {exc}", file=sys.stderr)
        return ExitCode.FAILED
    except KeyboardInterrupt:
        return ExitCode.INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
