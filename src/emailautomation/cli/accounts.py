"""``emailautomation account add|list|remove``."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import sys
from typing import Any

from sqlalchemy import select

from emailautomation import secrets
from emailautomation.errors import AccountNotFound, ConfigurationError
from emailautomation.mail.imap import DEFAULT_PORTS
from emailautomation.store import MailAccount, open_database


def register(subparsers: Any) -> None:
    account = subparsers.add_parser("account", help="add, list or remove mail accounts")
    actions = account.add_subparsers(dest="action", metavar="ACTION", required=True)

    add = actions.add_parser("add", help="add an IMAP account")
    add.add_argument("name", help="a name for the account, e.g. 'Personal Gmail'")
    add.add_argument("--host", required=True, help="IMAP server, e.g. imap.gmail.com")
    add.add_argument("--port", type=int, help="default: 993 for ssl, 143 otherwise")
    add.add_argument("--security", choices=("ssl", "starttls", "plain"), default="ssl")
    add.add_argument("--user", required=True, help="login name, often the address")
    add.add_argument("--email", help="the mailbox's address (default: --user)")
    add.add_argument("--folder", default="INBOX")
    add.add_argument(
        "--sender",
        action="append",
        default=[],
        metavar="ADDR",
        help="read only mail from this address or domain (repeatable)",
    )
    add.add_argument(
        "--since",
        type=iso_date,
        help="first day to read (default: 90 days before today)",
    )
    add.add_argument(
        "--poll-minutes",
        type=int,
        default=60,
        help="how often the tray polls (0: never; default 60)",
    )
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from standard input instead of prompting",
    )
    add.set_defaults(func=add_account)

    listing = actions.add_parser("list", help="list accounts")
    listing.add_argument("--json", action="store_true", help="one JSON object a line")
    listing.set_defaults(func=list_accounts)

    remove = actions.add_parser("remove", help="remove an account and its data")
    remove.add_argument("name")
    remove.set_defaults(func=remove_account)


def iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a date in the form YYYY-MM-DD"
        ) from None


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("IMAP password: ")
    if not password:
        raise ConfigurationError("No password given.")
    return password


def add_account(args: argparse.Namespace) -> int:
    password = _read_password(args.password_stdin)
    database = open_database(args.db)
    try:
        with database.session() as session:
            if session.scalar(select(MailAccount).where(MailAccount.name == args.name)):
                raise ConfigurationError(f"An account named {args.name!r} exists.")
            account = MailAccount(
                name=args.name,
                email=args.email or (args.user if "@" in args.user else None),
                host=args.host,
                port=args.port or DEFAULT_PORTS[args.security],
                security=args.security,
                username=args.user,
                folder=args.folder,
                senders=[s.strip().lower() for s in args.sender if s.strip()],
                since_date=args.since,
                poll_minutes=args.poll_minutes or None,
            )
            # Keychain first: an account whose password could not be kept
            # is not created at all.
            secrets.set_password(account.secret_ref, password)
            session.add(account)
            session.commit()
            print(f"Added account {account.name!r} (id {account.id}).")
    finally:
        database.close()
    return 0


def account_json(account: MailAccount) -> dict[str, Any]:
    return {
        "id": account.id,
        "name": account.name,
        "email": account.email,
        "host": account.host,
        "port": account.port,
        "security": account.security,
        "username": account.username,
        "folder": account.folder,
        "senders": list(account.senders or []),
        "since": account.effective_since().isoformat(),
        "enabled": account.enabled,
        "poll_minutes": account.poll_minutes,
        "last_check": account.last_check_at.isoformat(timespec="seconds")
        if account.last_check_at
        else None,
        "last_error": account.last_error,
    }


def list_accounts(args: argparse.Namespace) -> int:
    database = open_database(args.db)
    try:
        with database.session() as session:
            accounts = session.scalars(select(MailAccount).order_by(MailAccount.name))
            for account in accounts:
                data = account_json(account)
                if args.json:
                    print(json.dumps(data, ensure_ascii=False))
                    continue
                state = "enabled" if account.enabled else "disabled"
                last = data["last_check"] or "never checked"
                print(
                    f"{account.id:>3}  {account.name}  {account.username}@"
                    f"{account.host}:{account.port} ({account.security}, "
                    f"{account.folder}, {state}; {last})"
                )
                if account.last_error:
                    print(f"     last error: {account.last_error}")
    finally:
        database.close()
    return 0


def remove_account(args: argparse.Namespace) -> int:
    database = open_database(args.db)
    try:
        with database.session() as session:
            account = session.scalar(
                select(MailAccount).where(MailAccount.name == args.name)
            )
            if account is None:
                raise AccountNotFound(f"No account named {args.name!r}.")
            ref = account.secret_ref
            session.delete(account)
            session.commit()
        secrets.delete_password(ref)
        print(f"Removed account {args.name!r}.")
    finally:
        database.close()
    return 0
