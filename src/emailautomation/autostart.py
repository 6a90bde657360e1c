"""Start at login: a desktop autostart entry, a Run registry value or a LaunchAgent.

No Qt here. ``enable()`` writes the platform's own mechanism so that the
desktop app starts minimised to the tray when the person logs in;
``disable()`` removes it and ``is_enabled()`` says whether it is there.
"""

from __future__ import annotations

import importlib
import logging
import os
import plistlib
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from emailautomation import APP_NAME, APP_TITLE
from emailautomation.errors import EmailAutomationError
from emailautomation.resources import resource_path

log = logging.getLogger(__name__)

DESKTOP_FILE = f"{APP_NAME}.desktop"
RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
RUN_VALUE = APP_TITLE
LAUNCH_AGENT_LABEL = f"org.{APP_NAME}.gui"


class AutostartFailed(EmailAutomationError):
    """The start-at-login entry could not be written or removed."""


def launch_command(db_url: str | None = None) -> list[str]:
    """The command that starts this installation's desktop app in the tray.

    A bundle starts its own executable; an installed package its
    ``emailautomation`` script beside the interpreter when there is one, else
    ``python -m emailautomation``. ``db_url`` is passed on only when it holds
    no password, since the entry is a plain file or registry value.
    """
    if getattr(sys, "frozen", False):
        command = [sys.executable, "gui"]
    else:
        script = Path(sys.executable).with_name(
            f"{APP_NAME}.exe" if sys.platform == "win32" else APP_NAME
        )
        if script.is_file():
            command = [str(script), "gui"]
        else:
            command = [sys.executable, "-m", APP_NAME, "gui"]
    if db_url and not _has_password(db_url):
        command += ["--db", db_url]
    return [*command, "--minimized"]


def _has_password(db_url: str) -> bool:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(db_url).password is not None
    except ArgumentError:
        return False  # a plain file path


# -- Linux and other XDG desktops ----------------------------------------------


def xdg_autostart_path() -> Path:
    """``$XDG_CONFIG_HOME/autostart/emailautomation.desktop`` (~/.config by default)."""
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "autostart" / DESKTOP_FILE


def exec_line(command: Sequence[str]) -> str:
    """``command`` as a desktop entry's ``Exec`` value.

    Arguments with spaces or reserved characters are double-quoted, with
    ``"``, `` ` ``, ``$`` and ``\\`` escaped inside; ``%`` is doubled (it
    starts a field code); then the backslashes are escaped once more, as
    every string value of a desktop entry is.
    """
    reserved = set(" \t\n\"'\\><~|&;$*?#()`")
    parts = []
    for argument in command:
        argument = argument.replace("%", "%%")
        if argument and not reserved.intersection(argument):
            parts.append(argument)
            continue
        quoted = "".join("\\" + c if c in '"`$\\' else c for c in argument)
        parts.append(f'"{quoted}"')
    return " ".join(parts).replace("\\", "\\\\")


def desktop_entry(command: Sequence[str]) -> str:
    """The autostart entry: the shipped desktop entry with ``Exec`` set to
    ``command`` and the keys autostart readers look at."""
    template = resource_path(DESKTOP_FILE).read_text(encoding="utf-8")
    lines = []
    in_main_group = False
    for line in template.splitlines():
        if line.startswith("["):
            in_main_group = line.strip() == "[Desktop Entry]"
        elif in_main_group and line.split("=", 1)[0].strip() in (
            "Exec",
            "Hidden",
            "X-GNOME-Autostart-enabled",
        ):
            continue
        lines.append(line)
        if in_main_group and line.strip() == "[Desktop Entry]":
            lines.append(f"Exec={exec_line(command)}")
            lines.append("Hidden=false")
            lines.append("X-GNOME-Autostart-enabled=true")
    return "\n".join(lines) + "\n"


# -- macOS ---------------------------------------------------------------------


def launch_agent_path() -> Path:
    return Path.home() / "Library" / "LaunchAgents" / f"{LAUNCH_AGENT_LABEL}.plist"


def launch_agent(command: Sequence[str]) -> bytes:
    """A LaunchAgent that launchd starts once at login (and never restarts)."""
    return plistlib.dumps(
        {
            "Label": LAUNCH_AGENT_LABEL,
            "ProgramArguments": list(command),
            "RunAtLoad": True,
            "KeepAlive": False,
            "ProcessType": "Interactive",
        }
    )


# -- Windows -------------------------------------------------------------------


def run_value(command: Sequence[str]) -> str:
    """The command line stored under ``HKCU\\...\\Run`` (Windows quoting rules)."""
    return subprocess.list2cmdline(list(command))


def _winreg() -> Any:
    # Only on Windows; imported by name so that type checks elsewhere pass.
    return importlib.import_module("winreg")


def _run_key(write: bool) -> Any:
    winreg = _winreg()
    access = winreg.KEY_SET_VALUE if write else winreg.KEY_QUERY_VALUE
    return winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY, 0, access)


# -- the three together ----------------------------------------------------------


def _platform(platform: str | None) -> str:
    name = platform or sys.platform
    if name.startswith("win"):
        return "windows"
    if name == "darwin":
        return "macos"
    return "xdg"


def entry_location(platform: str | None = None) -> str:
    """Where the entry lives, for the person to read (a path or a registry key)."""
    kind = _platform(platform)
    if kind == "windows":
        return f"HKEY_CURRENT_USER\\{RUN_KEY}\\{RUN_VALUE}"
    if kind == "macos":
        return str(launch_agent_path())
    return str(xdg_autostart_path())


def enable(command: Sequence[str] | None = None, platform: str | None = None) -> None:
    """Start the app at login with ``command`` (default: ``launch_command()``).

    Raises ``AutostartFailed`` saying where it could not write.
    """
    command = list(command or launch_command())
    kind = _platform(platform)
    try:
        if kind == "windows":
            winreg = _winreg()
            with _run_key(write=True) as key:
                winreg.SetValueEx(key, RUN_VALUE, 0, winreg.REG_SZ, run_value(command))
        else:
            path = launch_agent_path() if kind == "macos" else xdg_autostart_path()
            data = (
                launch_agent(command)
                if kind == "macos"
                else desktop_entry(command).encode("utf-8")
            )
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_name(path.name + ".new")
            temporary.write_bytes(data)
            temporary.replace(path)
    except OSError as exc:
        raise AutostartFailed(
            f"Could not set up start at login in {entry_location(platform)}: "
            f"{exc.strerror or exc}"
        ) from exc
    log.info("start at login set up in %s", entry_location(platform))


def disable(platform: str | None = None) -> None:
    """Stop starting at login; nothing happens if it was not set up."""
    kind = _platform(platform)
    try:
        if kind == "windows":
            winreg = _winreg()
            with _run_key(write=True) as key:
                try:
                    winreg.DeleteValue(key, RUN_VALUE)
                except FileNotFoundError:
                    return
        else:
            path = launch_agent_path() if kind == "macos" else xdg_autostart_path()
            path.unlink(missing_ok=True)
    except OSError as exc:
        raise AutostartFailed(
            f"Could not remove start at login from {entry_location(platform)}: "
            f"{exc.strerror or exc}"
        ) from exc
    log.info("start at login removed from %s", entry_location(platform))


def is_enabled(platform: str | None = None) -> bool:
    """Whether an entry of ours is in place (a hidden XDG entry does not count)."""
    kind = _platform(platform)
    if kind == "windows":
        try:
            winreg = _winreg()
            with _run_key(write=False) as key:
                winreg.QueryValueEx(key, RUN_VALUE)
        except (ImportError, OSError):
            return False
        return True
    if kind == "macos":
        return launch_agent_path().is_file()
    path = xdg_autostart_path()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return False
    return "Hidden=true" not in text.splitlines()
