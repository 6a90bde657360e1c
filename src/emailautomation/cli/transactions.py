"""``emailautomation transactions``: list stored transactions."""

from __future__ import annotations

import argparse
import json
from typing import Any

from sqlalchemy import select

from emailautomation.cli.accounts import iso_date
from emailautomation.extract.model import format_amount, format_time
from emailautomation.store import Transaction, open_database


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("transactions", help="list stored transactions")
    parser.add_argument("--json", action="store_true", help="one JSON object a line")
    parser.add_argument("--since", type=iso_date, metavar="YYYY-MM-DD")
    parser.set_defaults(func=list_transactions)


def transaction_json(row: Transaction) -> dict[str, Any]:
    return {
        "amount": format_amount(row.amount, row.currency),
        "currency": row.currency,
        "direction": row.direction,
        "account": row.account,
        "merchant": row.merchant,
        "date": row.date.isoformat(),
        "time": format_time(row.time),
        "balance": format_amount(row.balance, row.currency),
        "reference": row.reference,
        "bank": row.bank,
    }


def list_transactions(args: argparse.Namespace) -> int:
    database = open_database(args.db)
    try:
        with database.session() as session:
            query = select(Transaction).order_by(
                Transaction.date, Transaction.time, Transaction.id
            )
            if args.since:
                query = query.where(Transaction.date >= args.since)
            for row in session.scalars(query):
                data = transaction_json(row)
                if args.json:
                    print(json.dumps(data, ensure_ascii=False))
                    continue
                sign = "-" if row.direction == "debit" else "+"
                when = data["date"] + (f" {data['time']}" if data["time"] else "")
                print(
                    f"{when:<19} {sign}{data['amount']:>12} {row.currency}  "
                    f"{row.account or '':>5}  {row.merchant or ''}"
                    + ("  (possible duplicate)" if row.possible_duplicate else "")
                )
    finally:
        database.close()
    return 0
