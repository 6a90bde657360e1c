"""``emailautomation parse FILE.eml...``: what extraction reads from saved e-mails."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from emailautomation.errors import MalformedMessage
from emailautomation.extract import explain, extract
from emailautomation.jobs.readers import load_readers
from emailautomation.mail.message import parse_alert
from emailautomation.store import open_database


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "parse", help="show what is read from .eml files (nothing is stored)"
    )
    parser.add_argument("files", nargs="+", metavar="FILE.eml")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="one JSON object a line")
    output.add_argument(
        "--explain",
        action="store_true",
        help="show the normalised text and which rule read each field",
    )
    parser.set_defaults(func=parse_files)


def parse_files(args: argparse.Namespace) -> int:
    # Learned templates live in the database, and parse must read exactly
    # as a run would.
    database = open_database(args.db)
    try:
        with database.session() as session:
            readers = load_readers(session)
    finally:
        database.close()

    status = 0
    for path in args.files:
        try:
            with open(path, "rb") as handle:
                raw = handle.read()
            alert = parse_alert(raw)
        except OSError as exc:
            print(
                f"emailautomation: cannot read {path}: {exc.strerror}", file=sys.stderr
            )
            status = 2
            continue
        except MalformedMessage as exc:
            print(f"emailautomation: {path} is not an e-mail: {exc}", file=sys.stderr)
            status = 2
            continue

        if args.explain:
            print(f"== {path}")
            print(explain(alert, readers))
            continue
        result = extract(alert, readers)
        fields = result.transaction
        if args.json:
            record = {
                "file": path,
                "transaction": fields.as_json() if fields else None,
                "reason": result.reason,
            }
            if fields:
                record["format"] = fields.format
            print(json.dumps(record, ensure_ascii=False), flush=True)
        elif fields:
            data = fields.as_json()
            print(
                f"{path}: {data['direction']} {data['amount']} {data['currency']} "
                f"{data['merchant'] or ''} on {data['date']}"
                + (f" {data['time']}" if data["time"] else "")
                + (f" (card/account {data['account']})" if data["account"] else "")
            )
        else:
            detail = f" ({result.detail})" if result.detail else ""
            print(f"{path}: no transaction: {result.reason}{detail}")
    return status
