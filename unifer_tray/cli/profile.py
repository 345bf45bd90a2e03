"""`unifer profile ...`: teach UniFER the user's own expressions, see and delete what it keeps."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..exit_codes import ExitCode
from ..result import LABEL_SYNONYMS, LABELS, canonical_label
from .ask import confirm, when


def _label(text: str) -> str:
    label = canonical_label(text)
    if label is None:
        synonyms = ", ".join(sorted(set(LABEL_SYNONYMS) - set(LABELS)))
        raise argparse.ArgumentTypeError(f"unknown label {text!r}: use one of {', '.join(LABELS)} (or {synonyms})")
    return label


def _name(text: str) -> str:
    from ..profile.store import ProfileError, check_name

    try:
        return check_name(text)
    except ProfileError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def run(args: argparse.Namespace) -> int:
    from ..profile.store import ProfileError, ProfileStore

    store = ProfileStore()
    try:
        return ACTIONS[args.profile_action](store, args)
    except ProfileError as exc:
        print(f"unifer profile: {exc}", file=sys.stderr)
        return ExitCode.FAILED


def add(store, args) -> int:
    from ..pipeline import Pipeline, find_images
    from ..profile.store import Example

    def ask(consent_text: str) -> bool:
        print(consent_text)
        return confirm(f"Create the profile '{args.profile}'?", args.yes)

    if not store.may_create(args.profile, ask):
        return ExitCode.FAILED
    files, problems = find_images(args.images)
    refused = [f"{path}: {message}" for path, message in problems]
    examples, notes = [], []
    pipeline = Pipeline.from_config(None)
    for path in files:
        analysis = pipeline.run(path)[0]
        if analysis.error:
            refused.append(f"{path}: {analysis.error}")
        elif not analysis.faces:
            refused.append(f"{path}: no face found; use a photo where your face is clear and large enough")
        else:
            face = analysis.faces[0]  # faces come largest first
            several = f"; {len(analysis.faces)} faces, the largest is used" if len(analysis.faces) > 1 else ""
            notes.append(f"{path}: the general model reads {face.expression} {face.confidence:.0%}{several}")
            examples.append(Example.of(args.label, face.probabilities, "file"))
    for problem in refused:
        print(f"unifer profile add: {problem}", file=sys.stderr)
    if refused or not examples:
        print("unifer profile add: nothing was stored; fix or leave out the images above", file=sys.stderr)
        return ExitCode.FAILED
    profile = store.add(args.profile, examples)
    print("\n".join(notes))
    count = profile.counts()[args.label]
    print(
        f"Added {len(examples)} example{'s' if len(examples) > 1 else ''} of {args.label} to '{args.profile}' "
        f"({count} of {args.label}, {len(profile.examples)} in all)."
    )
    return ExitCode.OK


def status(store, args) -> int:
    info = store.status(args.profile)
    if args.format == "json":
        print(json.dumps(info, indent=2))
        return ExitCode.OK
    print(f"profile: {info['profile']} (created {when(info['created'])})")
    print(f"examples: {info['examples']}")
    for label, count in info["per_label"].items():
        print(f"  {label:<10} {count}")
    print(f"size: {info['size_bytes'] / 1024:.1f} kB, encrypted\nwhere: {info['path']}\nkeyring: {info['keyring']}")
    missing = [label for label, count in info["per_label"].items() if not count]
    if missing:
        print(f"not taught yet: {', '.join(missing)} (these are read as the general model reads them)")
    return ExitCode.OK


def listing(store, args) -> int:
    names = store.names()
    if not names:
        print("no expression profiles yet; teach one with `unifer profile add --label LABEL IMAGE...`", file=sys.stderr)
    for name in names:
        print(name)
    return ExitCode.OK


def delete(store, args) -> int:
    store.require(args.profile)
    if not confirm(f"Delete the profile '{args.profile}' and destroy its key?", args.yes):
        return ExitCode.FAILED
    store.delete(args.profile)
    print(f"The profile '{args.profile}' is deleted: its key was destroyed and its file removed.")
    return ExitCode.OK


ACTIONS = {"add": add, "status": status, "list": listing, "delete": delete}


def add_parser(sub) -> None:
    from ..config import ProfileConfig

    default = ProfileConfig.name  # the profile store itself loads numpy: not at every start
    parser = sub.add_parser(
        "profile", help="teach UniFER how you show expressions (consented, encrypted, on this machine only)"
    )
    actions = parser.add_subparsers(dest="profile_action", required=True)

    def named(action: argparse.ArgumentParser) -> None:
        action.add_argument("--profile", type=_name, default=default, metavar="NAME", help=f"default: {default}")

    teach = actions.add_parser(
        "add", help="add labelled photos of your own face (the largest face of each image is used)"
    )
    teach.add_argument("--label", type=_label, required=True, help=f"the expression shown: {', '.join(LABELS)}")
    named(teach)
    teach.add_argument("--yes", action="store_true", help="consent to a new profile without the interactive question")
    teach.add_argument("images", nargs="+", type=Path, metavar="IMAGE", help="image files or folders")
    state = actions.add_parser("status", help="examples per label, when created, size, keyring")
    named(state)
    state.add_argument("--format", choices=["text", "json"], default="text", help="json: machine-readable")
    actions.add_parser("list", help="the names of your profiles")
    remove = actions.add_parser("delete", help="destroy the profile's key, then its data")
    named(remove)
    remove.add_argument("--yes", action="store_true", help="delete without the interactive question")
    parser.set_defaults(handler=run)
