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
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="open the window and close it again; exit non-zero on any error",
    )
    parser.set_defaults(func=lambda args: run_gui(args, None))


def run_gui(args: argparse.Namespace, argv: Sequence[str] | None) -> int:
    from emailautomation import app

    forwarded = []
    if args.db:
        forwarded += ["--db", args.db]
    if getattr(args, "minimized", False):
        forwarded.append("--minimized")
    if getattr(args, "self_test", False):
        forwarded.append("--self-test")
    return app.main(forwarded)
