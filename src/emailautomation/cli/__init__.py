"""The ``emailautomation`` command: accounts, processing, transactions, parsing, GUI."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from emailautomation import __version__
from emailautomation.errors import EmailAutomationError

# Each module adds its sub-commands with ``register(subparsers)``; a command
# sets ``func(args) -> int`` as its default. Only the module of the command
# being run is imported, so ``process`` does not pay for loading the
# extraction engine, the ledger or Qt before it knows there is mail to read.
COMMANDS = {
    "account": "emailautomation.cli.accounts",
    "process": "emailautomation.cli.process",
    "transactions": "emailautomation.cli.transactions",
    "parse": "emailautomation.cli.parse",
    "gui": "emailautomation.cli.gui",
    "export": "emailautomation.cli.ledger",
    "mapping": "emailautomation.cli.ledger",
    "rule": "emailautomation.cli.ledger",
    "learn": "emailautomation.cli.templates",
    "templates": "emailautomation.cli.templates",
}
_OPTIONS_WITH_VALUE = {"--db"}


def command_in(argv: Sequence[str]) -> str | None:
    """The sub-command named in ``argv`` (after the global options), if any."""
    args = iter(argv)
    for arg in args:
        if arg in _OPTIONS_WITH_VALUE:
            next(args, None)
        elif not arg.startswith("-"):
            return arg
    return None


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; with a known ``command`` only that command's module loads."""
    parser = argparse.ArgumentParser(
        prog="emailautomation",
        description="Turn bank alert e-mails into a local ledger of transactions.",
    )
    parser.add_argument(
        "--version", action="version", version=f"emailautomation {__version__}"
    )
    parser.add_argument(
        "--db",
        metavar="URL",
        help="database URL or SQLite file (default: $EMAILAUTOMATION_DB, else a "
        "SQLite file in your user data folder)",
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=0,
        help="log more (-v: what happens, -vv: details)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    wanted = [COMMANDS[command]] if command in COMMANDS else COMMANDS.values()
    for name in dict.fromkeys(wanted):
        importlib.import_module(name).register(subparsers)
    return parser


def _configure_logging(verbosity: int) -> None:
    level = [logging.WARNING, logging.INFO, logging.DEBUG][min(verbosity, 2)]
    logging.basicConfig(
        level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(command_in(args_list))
    args = parser.parse_args(args_list)
    _configure_logging(args.verbose)
    if args.command is None:
        from emailautomation.cli.gui import run_gui

        return run_gui(args, args_list)
    try:
        return int(args.func(args))
    except EmailAutomationError as exc:
        print(f"emailautomation: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("emailautomation: interrupted", file=sys.stderr)
        return 130
