"""``emailautomation gui`` (also what runs with no sub-command): the main window."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("gui", help="open the main window (the default)")
    parser.add_argument(
        "--minimized", action="store_true", help="start hidden in the system tray"
    )
    parser.set_defaults(func=lambda args: run_gui(args, None))


def run_gui(args: argparse.Namespace, argv: Sequence[str] | None) -> int:
    from emailautomation import app

    forwarded = []
    if args.db:
        forwarded += ["--db", args.db]
    if getattr(args, "minimized", False):
        forwarded.append("--minimized")
    return app.main(forwarded)
