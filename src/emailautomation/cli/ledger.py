"""``emailautomation export``, ``mapping …`` and ``rule …``: the books side."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from emailautomation.cli.accounts import iso_date
from emailautomation.errors import ConfigurationError
from emailautomation.ledger import (
    ExportRequest,
    Format,
    RuleDraft,
    add_rule,
    apply_rules,
    dump_settings,
    export_transactions,
    import_mappings,
    import_rules,
    list_mappings,
    list_rules,
    load_defaults,
    move_rule,
    read_settings,
    remove_mapping,
    remove_rule,
    save_defaults,
    save_mail_account_default,
    save_mapping,
)
from emailautomation.ledger.defaults import (
    find_mail_account,
    list_mail_account_defaults,
)
from emailautomation.ledger.rules import Match
from emailautomation.store import open_database


def register(subparsers: Any) -> None:
    _register_export(subparsers)
    _register_mapping(subparsers)
    _register_rule(subparsers)


def _with_session(args: argparse.Namespace, work: Callable[[Session], int]) -> int:
    database = open_database(args.db)
    try:
        with database.session() as session:
            return work(session)
    finally:
        database.close()


def _write_text(text: str, out: Path | None) -> None:
    if out is None:
        sys.stdout.write(text)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError(f"Cannot write {out}: {exc.strerror}.") from None
    print(f"Wrote {out}.", file=sys.stderr)


# -- export ----------------------------------------------------------------


def _register_export(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "export",
        help="write transactions as ledger, hledger, beancount or CSV",
        description="Write stored transactions as balanced entries. Each entry "
        "carries its alert's Message-ID, and every export is recorded per "
        "format and destination, so --new-only appends only what is new.",
    )
    parser.add_argument(
        "--format", required=True, choices=[f.value for f in Format], dest="format"
    )
    parser.add_argument("--since", type=iso_date, metavar="YYYY-MM-DD")
    parser.add_argument("--until", type=iso_date, metavar="YYYY-MM-DD")
    parser.add_argument(
        "--account",
        action="append",
        default=[],
        metavar="NAME",
        help="only this mail account, or this ledger account and its "
        "sub-accounts (repeatable)",
    )
    parser.add_argument(
        "--out", type=Path, metavar="FILE", help="file to write (default: stdout)"
    )
    parser.add_argument(
        "--new-only",
        action="store_true",
        help="leave out what was exported to this destination before, and "
        "append to FILE instead of replacing it",
    )
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help="replace FILE even though no export from this database wrote it",
    )
    parser.set_defaults(func=export)


def export(args: argparse.Namespace) -> int:
    request = ExportRequest(
        format=args.format,
        since=args.since,
        until=args.until,
        accounts=tuple(args.account),
        destination=args.out,
        new_only=args.new_only,
        overwrite=args.overwrite,
    )

    def work(session: Session) -> int:
        stream = sys.stdout if args.out is None else None
        result = export_transactions(session, request, stream)
        where = "standard output" if args.out is None else str(args.out)
        if args.new_only and result.written == 0:
            print(f"Nothing new to export to {where}.", file=sys.stderr)
        else:
            verb = "Appended" if result.appended else "Wrote"
            before = (
                f" ({result.already_exported} exported before)"
                if result.already_exported
                else ""
            )
            noun = "entry" if result.written == 1 else "entries"
            print(
                f"{verb} {result.written} {result.format} {noun} to {where}{before}.",
                file=sys.stderr,
            )
        return 0

    return _with_session(args, work)


# -- mapping ---------------------------------------------------------------


def _register_mapping(subparsers: Any) -> None:
    mapping = subparsers.add_parser(
        "mapping", help="map card and account digits to ledger accounts"
    )
    actions = mapping.add_subparsers(dest="action", metavar="ACTION", required=True)

    listing = actions.add_parser("list", help="list mappings and defaults")
    listing.add_argument("--json", action="store_true", help="one JSON object a line")
    listing.set_defaults(func=mapping_list)

    add = actions.add_parser("add", help="map digits to a ledger account")
    add.add_argument("digits", help="the digits alerts print, e.g. 1234 of XX1234")
    add.add_argument("ledger_account", help="e.g. Liabilities:CreditCard:HDFC")
    add.set_defaults(func=mapping_add)

    remove = actions.add_parser("remove", help="remove the mapping of digits")
    remove.add_argument("digits")
    remove.set_defaults(func=mapping_remove)

    default = actions.add_parser(
        "default",
        help="the account for unmapped digits: of one mail account, or of all",
    )
    default.add_argument("ledger_account", nargs="?", help="omit with --clear")
    default.add_argument(
        "--mail-account", metavar="NAME", help="set that mail account's own default"
    )
    default.add_argument(
        "--clear",
        action="store_true",
        help="with --mail-account: drop its own default",
    )
    default.set_defaults(func=mapping_default)

    importing = actions.add_parser("import", help="read mappings from a TOML file")
    importing.add_argument("file", type=Path)
    importing.add_argument(
        "--merge",
        action="store_true",
        help="add and change only (default: mappings not in the file are removed)",
    )
    importing.set_defaults(func=mapping_import)

    exporting = actions.add_parser("export", help="write mappings as a TOML file")
    exporting.add_argument("file", type=Path, nargs="?", help="default: stdout")
    exporting.set_defaults(func=mapping_export)


def mapping_list(args: argparse.Namespace) -> int:
    def work(session: Session) -> int:
        defaults = load_defaults(session)
        mail_defaults = list_mail_account_defaults(session)
        mappings = list_mappings(session)
        if args.json:
            for m in mappings:
                print(json.dumps({"digits": m.digits, "account": m.ledger_account}))
            for name, account in mail_defaults:
                print(json.dumps({"mail_account": name, "account": account}))
            print(json.dumps({"default": defaults.account}))
            return 0
        for m in mappings:
            print(f"{m.digits:>16}  {m.ledger_account}")
        for name, account in mail_defaults:
            print(f"default of mail account {name!r}: {account}")
        print(f"default for everything else: {defaults.account}")
        return 0

    return _with_session(args, work)


def mapping_add(args: argparse.Namespace) -> int:
    def work(session: Session) -> int:
        mapping = save_mapping(session, args.digits, args.ledger_account)
        print(f"Mapped {mapping.digits} to {mapping.ledger_account}.")
        return 0

    return _with_session(args, work)


def mapping_remove(args: argparse.Namespace) -> int:
    def work(session: Session) -> int:
        remove_mapping(session, args.digits)
        print(f"Removed the mapping of {args.digits}.")
        return 0

    return _with_session(args, work)


def mapping_default(args: argparse.Namespace) -> int:
    if args.clear and not args.mail_account:
        raise ConfigurationError("--clear needs --mail-account NAME.")
    if not args.clear and not args.ledger_account:
        raise ConfigurationError("Give the ledger account, e.g. Assets:Bank:Checking.")

    def work(session: Session) -> int:
        if args.mail_account:
            account = find_mail_account(session, args.mail_account)
            value = None if args.clear else args.ledger_account
            save_mail_account_default(session, account.id, value)
            print(
                f"Mail account {account.name!r}: "
                + (f"default {value}." if value else "no default of its own.")
            )
            return 0
        defaults = save_defaults(session, account=args.ledger_account)
        print(f"Unmapped digits now go to {defaults.account}.")
        return 0

    return _with_session(args, work)


def mapping_import(args: argparse.Namespace) -> int:
    settings = read_settings(args.file)

    def work(session: Session) -> int:
        summary = import_mappings(session, settings, merge=args.merge)
        print(summary.describe("Mappings") + ".")
        return 0

    return _with_session(args, work)


def mapping_export(args: argparse.Namespace) -> int:
    def work(session: Session) -> int:
        _write_text(dump_settings(session, mappings=True, rules=False), args.file)
        return 0

    return _with_session(args, work)


# -- rule ------------------------------------------------------------------


def _register_rule(subparsers: Any) -> None:
    rule = subparsers.add_parser(
        "rule", help="ordered rules from merchants to categories and payees"
    )
    actions = rule.add_subparsers(dest="action", metavar="ACTION", required=True)

    listing = actions.add_parser("list", help="list rules in order")
    listing.add_argument("--json", action="store_true", help="one JSON object a line")
    listing.set_defaults(func=rule_list)

    add = actions.add_parser("add", help="add a rule (last, unless --position)")
    add.add_argument("pattern", help="what to look for in the merchant")
    add.add_argument("category", help="e.g. Expenses:Food:Groceries")
    add.add_argument(
        "--match",
        choices=[m.value for m in Match],
        default=Match.CONTAINS.value,
        help="how the pattern is compared, ignoring case (default: contains)",
    )
    add.add_argument("--payee", help="clean payee name for matching transactions")
    add.add_argument("--digits", help="only transactions of this card or account")
    add.add_argument("--direction", choices=("debit", "credit"))
    add.add_argument("--position", type=int, help="1 is first; default: last")
    add.set_defaults(func=rule_add)

    remove = actions.add_parser("remove", help="remove a rule by id")
    remove.add_argument("id", type=int)
    remove.set_defaults(func=rule_remove)

    move = actions.add_parser("move", help="move a rule to a position (1 is first)")
    move.add_argument("id", type=int)
    move.add_argument("position", type=int)
    move.set_defaults(func=rule_move)

    default = actions.add_parser("default", help="categories for what no rule matches")
    default.add_argument("--debit", metavar="ACCOUNT", help="for money going out")
    default.add_argument("--credit", metavar="ACCOUNT", help="for money coming in")
    default.set_defaults(func=rule_default)

    importing = actions.add_parser("import", help="read rules from a TOML file")
    importing.add_argument("file", type=Path)
    importing.add_argument(
        "--merge",
        action="store_true",
        help="append rules not there yet (default: the file's rules replace all)",
    )
    importing.set_defaults(func=rule_import)

    exporting = actions.add_parser("export", help="write rules as a TOML file")
    exporting.add_argument("file", type=Path, nargs="?", help="default: stdout")
    exporting.set_defaults(func=rule_export)

    apply = actions.add_parser(
        "apply", help="categorise stored transactions that have no category"
    )
    apply.add_argument(
        "--recategorise",
        action="store_true",
        help="also work out again every category not chosen by hand",
    )
    apply.set_defaults(func=rule_apply)


def rule_list(args: argparse.Namespace) -> int:
    def work(session: Session) -> int:
        rules = list_rules(session)
        defaults = load_defaults(session)
        if args.json:
            for rule in rules:
                print(
                    json.dumps(
                        {
                            "id": rule.id,
                            "position": rule.position,
                            "match": rule.match,
                            "pattern": rule.pattern,
                            "category": rule.category,
                            "payee": rule.payee,
                            "digits": rule.account_digits,
                            "direction": rule.direction,
                        },
                        ensure_ascii=False,
                    )
                )
            return 0
        for rule in rules:
            print(f"{rule.position:>3}. (id {rule.id}) {rule.describe()}")
        print(
            f"no match: {defaults.debit_category} (debits), "
            f"{defaults.credit_category} (credits)"
        )
        return 0

    return _with_session(args, work)


def rule_add(args: argparse.Namespace) -> int:
    draft = RuleDraft(
        match=args.match,
        pattern=args.pattern,
        category=args.category,
        payee=args.payee,
        account_digits=args.digits,
        direction=args.direction,
    )

    def work(session: Session) -> int:
        rule = add_rule(session, draft, args.position)
        print(f"Added rule {rule.position} (id {rule.id}): {rule.describe()}.")
        return 0

    return _with_session(args, work)


def rule_remove(args: argparse.Namespace) -> int:
    def work(session: Session) -> int:
        remove_rule(session, args.id)
        print(f"Removed rule id {args.id}.")
        return 0

    return _with_session(args, work)


def rule_move(args: argparse.Namespace) -> int:
    def work(session: Session) -> int:
        rules = move_rule(session, args.id, args.position)
        moved = next(r for r in rules if r.id == args.id)
        print(f"Rule id {args.id} is now number {moved.position}.")
        return 0

    return _with_session(args, work)


def rule_default(args: argparse.Namespace) -> int:
    if not args.debit and not args.credit:
        raise ConfigurationError("Give --debit ACCOUNT, --credit ACCOUNT or both.")

    def work(session: Session) -> int:
        defaults = save_defaults(
            session, debit_category=args.debit, credit_category=args.credit
        )
        print(
            f"No match: {defaults.debit_category} (debits), "
            f"{defaults.credit_category} (credits)."
        )
        return 0

    return _with_session(args, work)


def rule_import(args: argparse.Namespace) -> int:
    settings = read_settings(args.file)

    def work(session: Session) -> int:
        summary = import_rules(session, settings, merge=args.merge)
        print(summary.describe("Rules") + ".")
        return 0

    return _with_session(args, work)


def rule_export(args: argparse.Namespace) -> int:
    def work(session: Session) -> int:
        _write_text(dump_settings(session, mappings=False, rules=True), args.file)
        return 0

    return _with_session(args, work)


def rule_apply(args: argparse.Namespace) -> int:
    def work(session: Session) -> int:
        changed = apply_rules(session, recategorise=args.recategorise)
        print(f"Categorised {changed} transactions.")
        return 0

    return _with_session(args, work)
