"""`unifer history ...`: consent, status, listing, export, purge and the dashboard."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from datetime import datetime

from ..exit_codes import ExitCode
from ..private_files import open_private, write_private
from .ask import confirm, when


def _date(text: str) -> float:
    try:
        return datetime.fromisoformat(text).timestamp()
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (use YYYY-MM-DD or YYYY-MM-DDTHH:MM)") from None


def run(args: argparse.Namespace) -> int:
    from ..config import load_config
    from ..history import History, HistoryError

    history = History(retention_days=load_config().history.retention_days)
    try:
        return ACTIONS[args.history_action](history, args)
    except HistoryError as exc:
        print(f"unifer history: {exc}", file=sys.stderr)
        return ExitCode.FAILED


def enable(history, args) -> int:
    print(history.consent_text())
    if args.thumbnails:
        print("You also allow small face thumbnails to be stored with each record (encrypted like the rest).\n")
    if not confirm("Keep this history?", args.yes):
        return ExitCode.FAILED
    history.enable(allow_thumbnails=args.thumbnails)
    history.purge_expired()
    print(f"History is on. Stored in {history.path}, encrypted; key in the system keyring.")
    return ExitCode.OK


def disable(history, args) -> int:
    delete = args.delete or (not args.keep and confirm("Delete everything recorded so far?", args.yes))
    history.disable(delete=delete)
    print("History is off" + (", the key was destroyed and the records deleted." if delete else "; records kept."))
    return ExitCode.OK


def status(history, args) -> int:
    info = history.status()
    if args.format == "json":
        print(json.dumps(info, indent=2))
        return ExitCode.OK
    print(f"history: {'on' if info['enabled'] else 'off'}")
    print(f"records: {info['records']} (oldest {when(info['oldest'])}), {info['size_bytes'] / 1024:.0f} kB")
    print(f"retention: {info['retention_days']} days; face thumbnails: {'allowed' if info['thumbnails'] else 'no'}")
    print(f"where: {info['path']}\nkeyring: {info['keyring']}")
    return ExitCode.OK


def listing(history, args) -> int:
    records = history.records(since=args.since)
    if args.format == "json":
        print(json.dumps([r.to_dict() for r in records], indent=2))
        return ExitCode.OK
    for r in records:
        labels = ", ".join(f"{f.expression} {f.confidence:.0%}" for f in r.analysis.faces) or "no face"
        print(f"{r.id:>5}  {when(r.created)}  {r.source_type:<13} {labels}")
    return ExitCode.OK


def show(history, args) -> int:
    record = history.get(args.id)
    print(json.dumps({**record.to_dict(), "thumbnails": len(record.thumbnails)}, indent=2))
    return ExitCode.OK


def export(history, args) -> int:
    records = history.records()
    with open_private(args.file, newline="") as stream:
        if args.format == "jsonl":
            for r in records:
                stream.write(json.dumps(r.to_dict()) + "\n")
        else:
            writer = csv.writer(stream)
            writer.writerow(["id", "time", "source_type", "face", "expression", "confidence", "summary"])
            for r in records:
                summary = r.analysis.description.summary if r.analysis.description else ""
                for index, face in enumerate(r.analysis.faces or [None], start=1):
                    writer.writerow(
                        [
                            r.id,
                            when(r.created),
                            r.source_type,
                            index if face else "",
                            face.expression if face else "",
                            face.confidence if face else "",
                            summary,
                        ]
                    )
    print(f"exported {len(records)} records to {args.file} (this copy is NOT encrypted)")
    return ExitCode.OK


def purge(history, args) -> int:
    if not args.all and args.before is None:
        print("unifer history purge: give --before DATE or --all", file=sys.stderr)
        return ExitCode.USAGE
    count = history.purge(None if args.all else args.before)
    print(f"deleted {count} records")
    return ExitCode.OK


def report(history, args) -> int:
    from ..outcome import dashboard

    page = dashboard(history.records())
    if args.output:
        write_private(args.output, page)
        print(f"dashboard written to {args.output} (this copy is NOT encrypted)")
        return ExitCode.OK
    import time

    from ..helpers import open_in_browser
    from ..report.server import ReportServer

    server = ReportServer()
    consent = history.consent_stamp
    # turning history off, or deleting it and turning it on again, withdraws the page
    page_id = server.publish(page, valid=lambda: history.consent_stamp == consent)
    launcher = server.launcher(page_id)
    if launcher is not None and open_in_browser(launcher):
        print("history dashboard opened in your browser", flush=True)
    else:
        print(f"no web browser found: open this address yourself (it works once): {server.link(page_id)}", flush=True)
    print("(served from memory on this computer; Ctrl+C to stop)", flush=True)
    try:
        while server.html(page_id) is not None:
            time.sleep(1)
        print("history was turned off or deleted: the dashboard is no longer served")
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    return ExitCode.OK


ACTIONS = {
    "enable": enable,
    "disable": disable,
    "status": status,
    "list": listing,
    "show": show,
    "export": export,
    "purge": purge,
    "report": report,
}


def add_parser(sub) -> None:
    from pathlib import Path

    parser = sub.add_parser("history", help="the opt-in, encrypted history of analyses")
    actions = parser.add_subparsers(dest="history_action", required=True)
    on = actions.add_parser("enable", help="turn history on (shows what is stored and asks)")
    on.add_argument("--yes", action="store_true", help="consent without the interactive question")
    on.add_argument("--thumbnails", action="store_true", help="also store face thumbnails (a separate consent)")
    off = actions.add_parser("disable", help="turn history off; asks whether to delete everything")
    choice = off.add_mutually_exclusive_group()
    choice.add_argument("--delete", action="store_true", help="destroy the key and delete all records")
    choice.add_argument("--keep", action="store_true", help="keep the records (still encrypted)")
    off.add_argument("--yes", action="store_true", help="answer yes to the deletion question")
    state = actions.add_parser("status", help="on or off, how many records, where, which keyring")
    state.add_argument("--format", choices=["text", "json"], default="text", help="json: machine-readable")
    listing_parser = actions.add_parser("list", help="one line per record: time, source, expressions")
    listing_parser.add_argument("--since", type=_date, metavar="DATE", help="only records from DATE (YYYY-MM-DD)")
    listing_parser.add_argument("--format", choices=["text", "json"], default="text", help="json: whole records")
    one = actions.add_parser("show", help="one record in full, as JSON")
    one.add_argument("id", type=int, help="the record's number, as `history list` shows it")
    out = actions.add_parser("export", help="write every record to a plaintext file (created readable by you alone)")
    out.add_argument(
        "--format", choices=["csv", "jsonl"], required=True, help="csv: a row per face; jsonl: a record per line"
    )
    out.add_argument("file", type=Path, help="the file to write")
    wipe = actions.add_parser("purge", help="delete records (works without the key)")
    wipe.add_argument("--before", type=_date, metavar="DATE", help="delete records older than DATE (YYYY-MM-DD)")
    wipe.add_argument("--all", action="store_true", help="delete every record")
    page = actions.add_parser("report", help="the history dashboard in your browser (or --output FILE)")
    page.add_argument("--output", type=Path, metavar="FILE", help="write the dashboard to FILE instead (0600)")
    parser.set_defaults(handler=run)
