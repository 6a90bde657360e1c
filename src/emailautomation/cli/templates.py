"""``emailautomation learn FILE.eml`` and ``emailautomation templates list|show|…``."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from emailautomation.cli.process import TerminalProgress
from emailautomation.errors import MalformedMessage
from emailautomation.extract.model import TransactionFields
from emailautomation.extract.templates import describe
from emailautomation.jobs.templates import (
    TemplateInfo,
    get_template,
    learn_and_save,
    list_templates,
    remove_template,
    rename_template,
    reread_for_template,
    template_info,
    waiting_count,
)
from emailautomation.mail.message import parse_alert
from emailautomation.store import open_database
from emailautomation.store.database import resolve_database_url


def register(subparsers: Any) -> None:
    learn = subparsers.add_parser(
        "learn",
        help="teach a new alert format from one sample e-mail",
        description="Mark the fields of one sample alert by their text as the "
        "e-mail shows it; later alerts of the same sender are then read the "
        "same way. Where a value appears more than once, give more of the text "
        "around it ('Amount: 12.50'), or put the value in double brackets "
        "('Paid at [[ACME]] on').",
    )
    learn.add_argument("file", metavar="FILE.eml")
    learn.add_argument("--amount", required=True, metavar="TEXT")
    learn.add_argument("--merchant", metavar="TEXT")
    learn.add_argument("--account", metavar="TEXT", help="the card or account digits")
    learn.add_argument("--date", metavar="TEXT")
    learn.add_argument("--time", metavar="TEXT")
    learn.add_argument(
        "--direction",
        choices=("debit", "credit"),
        help="default: what the sample's wording says, else debit",
    )
    learn.add_argument(
        "--currency",
        metavar="CODE",
        help="ISO 4217 code, when the alert prints none or a symbol such as $",
    )
    learn.add_argument("--name", help="a name for the template")
    learn.add_argument(
        "--sender",
        metavar="ADDR|DOMAIN",
        help="whose mail it reads (default: the sample's sender address)",
    )
    learn.add_argument(
        "--reread",
        action="store_true",
        help="read that sender's ignored and failed messages again",
    )
    learn.add_argument("--json", action="store_true", help="print one JSON object")
    learn.set_defaults(func=learn_template)

    templates = subparsers.add_parser(
        "templates", help="list and manage taught formats"
    )
    actions = templates.add_subparsers(dest="action", metavar="ACTION", required=True)

    listing = actions.add_parser("list", help="list learned templates")
    listing.add_argument("--json", action="store_true", help="one JSON object a line")
    listing.set_defaults(func=list_command)

    show = actions.add_parser("show", help="show what a template reads, and where")
    show.add_argument("id", type=int)
    show.add_argument("--sample", action="store_true", help="print the sample text too")
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=show_command)

    remove = actions.add_parser(
        "remove", help="delete a template (its transactions stay)"
    )
    remove.add_argument("id", type=int)
    remove.set_defaults(func=remove_command)

    rename = actions.add_parser("rename", help="rename a template")
    rename.add_argument("id", type=int)
    rename.add_argument("name")
    rename.set_defaults(func=rename_command)

    reread = actions.add_parser(
        "reread", help="read the template's sender's ignored and failed mail again"
    )
    reread.add_argument("id", type=int)
    reread.set_defaults(func=reread_command)


def _reading(fields: TransactionFields) -> str:
    data = fields.as_json()
    line = f"{data['direction']} {data['amount']} {data['currency']}"
    if data["merchant"]:
        line += f" at {data['merchant']}"
    line += f" on {data['date']}"
    if data["time"]:
        line += f" {data['time']}"
    if data["account"]:
        line += f" (card/account {data['account']})"
    return line


def _counts_line(counts: dict[str, int]) -> str:
    return (
        f"{counts.get('transaction', 0)} became transactions, "
        f"{counts.get('ignored', 0)} ignored, {counts.get('failed', 0)} failed"
    )


def learn_template(args: argparse.Namespace) -> int:
    try:
        with open(args.file, "rb") as handle:
            raw = handle.read()
        alert = parse_alert(raw)
    except OSError as exc:
        print(
            f"emailautomation: cannot read {args.file}: {exc.strerror}", file=sys.stderr
        )
        return 2
    except MalformedMessage as exc:
        print(f"emailautomation: {args.file} is not an e-mail: {exc}", file=sys.stderr)
        return 2

    values = {
        "amount": args.amount,
        "merchant": args.merchant,
        "account": args.account,
        "date": args.date,
        "time": args.time,
        "direction": args.direction,
        "currency": args.currency,
    }
    db_url = resolve_database_url(args.db)
    template_id, learned = learn_and_save(
        db_url, alert, values, sender=args.sender, name=args.name
    )

    counts = None
    if args.reread:
        bar = TerminalProgress(sys.stderr)
        counts = reread_for_template(db_url, template_id, progress=bar)
        bar.clear()
    database = open_database(db_url)
    try:
        with database.session() as session:
            waiting = waiting_count(session, learned.sender)
    finally:
        database.close()

    if args.json:
        record: dict[str, Any] = {
            "id": template_id,
            "name": learned.name,
            "sender": learned.sender,
            "format": f"template:{template_id}",
            "readback": learned.readback.as_json(),
            "waiting": waiting,
        }
        if counts is not None:
            record["reread"] = counts
        print(json.dumps(record, ensure_ascii=False))
        return 0

    print(f"Learned template {template_id} “{learned.name}” for {learned.sender}.")
    print(f"Read back from the sample: {_reading(learned.readback)}")
    if counts is not None:
        print(f"Read {learned.sender}'s messages again: {_counts_line(counts)}.")
    elif waiting:
        print(
            f"{waiting} ignored or failed message(s) from {learned.sender} can be "
            f"read again: emailautomation templates reread {template_id}"
        )
    return 0


def _info_json(info: TemplateInfo) -> dict[str, Any]:
    return {
        "id": info.id,
        "name": info.name,
        "sender": info.sender,
        "created": info.created_at.isoformat(timespec="seconds"),
        "last_used": info.last_used_at.isoformat(timespec="seconds")
        if info.last_used_at
        else None,
        "transactions": info.transactions,
        "waiting": info.waiting,
    }


def list_command(args: argparse.Namespace) -> int:
    database = open_database(args.db)
    try:
        with database.session() as session:
            infos = list_templates(session)
    finally:
        database.close()
    if not infos and not args.json:
        print("No templates yet; teach one with 'emailautomation learn FILE.eml'.")
    for info in infos:
        data = _info_json(info)
        if args.json:
            print(json.dumps(data, ensure_ascii=False))
            continue
        used = f"last used {data['last_used']}" if data["last_used"] else "never used"
        print(
            f"{info.id:>3}  {info.sender}  “{info.name}”: {info.transactions} "
            f"transaction(s), {used}"
        )
    return 0


def show_command(args: argparse.Namespace) -> int:
    database = open_database(args.db)
    try:
        with database.session() as session:
            info = template_info(session, get_template(session, args.id))
    finally:
        database.close()
    if args.json:
        data = _info_json(info)
        data["spec"] = info.spec
        if args.sample:
            data["sample_text"] = info.sample_text
        print(json.dumps(data, ensure_ascii=False))
        return 0
    data = _info_json(info)
    print(f"Template {info.id} “{info.name}”")
    print(f"  sender     {info.sender}")
    print(f"  created    {data['created']}")
    print(f"  last used  {data['last_used'] or 'never'}")
    print(f"  produced   {info.transactions} transaction(s)")
    print(f"  waiting    {info.waiting} ignored or failed message(s) of this sender")
    print("  reads:")
    for line in describe(info.spec):
        print(f"    {line}")
    if args.sample:
        print("  sample:")
        for line in info.sample_text.splitlines():
            print(f"    {line}")
    return 0


def remove_command(args: argparse.Namespace) -> int:
    database = open_database(args.db)
    try:
        with database.session() as session:
            kept = remove_template(session, args.id)
    finally:
        database.close()
    print(f"Removed template {args.id}; the {kept} transaction(s) it read stay.")
    return 0


def rename_command(args: argparse.Namespace) -> int:
    database = open_database(args.db)
    try:
        with database.session() as session:
            rename_template(session, args.id, args.name)
    finally:
        database.close()
    print(f"Renamed template {args.id} to “{args.name.strip()}”.")
    return 0


def reread_command(args: argparse.Namespace) -> int:
    db_url = resolve_database_url(args.db)
    bar = TerminalProgress(sys.stderr)
    counts = reread_for_template(db_url, args.id, progress=bar)
    bar.clear()
    print(f"Read again: {_counts_line(counts)}.")
    return 0
