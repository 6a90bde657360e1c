"""Start at login: the XDG autostart entry for real, the LaunchAgent file, the
Run registry value's command line, and the command they start."""

from __future__ import annotations

import ctypes
import ctypes.util
import plistlib
import subprocess
import sys
from pathlib import Path

import pytest

from emailautomation import autostart

AWKWARD = [
    "/opt/Email Automation/bin/emailautomation",
    "gui",
    "--db",
    'sqlite:////home/pat/My "books"/100% $real\\ledger.sqlite3',
    "--minimized",
]


def glib_exec_argv(entry: Path) -> list[str]:
    """The arguments a GLib desktop (GNOME, Xfce, …) starts from an entry's Exec.

    GLib unescapes the key file string, expands field codes (``%%`` is a
    percent sign) and splits the line by shell quoting rules.
    """
    name = ctypes.util.find_library("glib-2.0")
    if name is None:
        pytest.skip("GLib is not installed here")
    glib = ctypes.CDLL(name)
    glib.g_key_file_new.restype = ctypes.c_void_p
    glib.g_key_file_load_from_file.argtypes = [
        ctypes.c_void_p,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_void_p,
    ]
    glib.g_key_file_get_string.restype = ctypes.c_void_p
    glib.g_key_file_get_string.argtypes = [
        ctypes.c_void_p,
        ctypes.c_char_p,
        ctypes.c_char_p,
        ctypes.c_void_p,
    ]
    glib.g_shell_parse_argv.argtypes = [
        ctypes.c_char_p,
        ctypes.POINTER(ctypes.c_int),
        ctypes.POINTER(ctypes.POINTER(ctypes.c_char_p)),
        ctypes.c_void_p,
    ]
    key_file = glib.g_key_file_new()
    assert glib.g_key_file_load_from_file(key_file, str(entry).encode(), 0, None)
    raw = glib.g_key_file_get_string(key_file, b"Desktop Entry", b"Exec", None)
    assert raw, "no Exec key"
    line = ctypes.string_at(raw).decode().replace("%%", "%")
    count = ctypes.c_int()
    argv = ctypes.POINTER(ctypes.c_char_p)()
    assert glib.g_shell_parse_argv(
        line.encode(), ctypes.byref(count), ctypes.byref(argv), None
    )
    return [argv[i].decode() for i in range(count.value)]


def test_linux_entry_is_written_read_back_by_glib_and_removed(user_environment):
    entry = user_environment / ".config" / "autostart" / "emailautomation.desktop"
    assert autostart.xdg_autostart_path() == entry
    assert not autostart.is_enabled(platform="linux")

    autostart.enable(AWKWARD, platform="linux")
    assert autostart.is_enabled(platform="linux")
    assert glib_exec_argv(entry) == AWKWARD
    text = entry.read_text()
    assert text.startswith("[Desktop Entry]\n")
    assert "Name=Email Automation\n" in text and "Icon=emailautomation\n" in text
    assert "X-GNOME-Autostart-enabled=true\n" in text
    assert text.count("Exec=") == 1

    autostart.enable(["emailautomation", "gui", "--minimized"], platform="linux")
    assert glib_exec_argv(entry) == ["emailautomation", "gui", "--minimized"]

    autostart.disable(platform="linux")
    assert not entry.exists() and not autostart.is_enabled(platform="linux")
    autostart.disable(platform="linux")  # nothing to remove: no error


def test_an_entry_the_desktop_hid_does_not_count(user_environment):
    autostart.enable(["emailautomation", "gui"], platform="linux")
    entry = autostart.xdg_autostart_path()
    # Desktops "turn off" an autostart entry by hiding it.
    entry.write_text(entry.read_text().replace("Hidden=false", "Hidden=true"))
    assert not autostart.is_enabled(platform="linux")


def test_linux_entry_that_cannot_be_written_says_where(user_environment):
    (user_environment / ".config").mkdir(exist_ok=True)
    (user_environment / ".config" / "autostart").write_text("not a folder")
    with pytest.raises(autostart.AutostartFailed) as failure:
        autostart.enable(["emailautomation"], platform="linux")
    assert str(autostart.xdg_autostart_path()) in str(failure.value)


def test_macos_launch_agent_file(user_environment):
    autostart.enable(AWKWARD, platform="darwin")
    path = (
        user_environment / "Library" / "LaunchAgents" / "org.emailautomation.gui.plist"
    )
    assert autostart.is_enabled(platform="darwin")
    with path.open("rb") as stream:
        agent = plistlib.load(stream)
    assert agent["Label"] == "org.emailautomation.gui"
    assert agent["ProgramArguments"] == AWKWARD
    assert agent["RunAtLoad"] is True and agent["KeepAlive"] is False
    autostart.disable(platform="darwin")
    assert not path.exists() and not autostart.is_enabled(platform="darwin")


def test_windows_run_value_quotes_paths_with_spaces():
    command = [
        r"C:\Program Files\Email Automation\emailautomation.exe",
        "gui",
        "--minimized",
    ]
    assert autostart.run_value(command) == (
        r'"C:\Program Files\Email Automation\emailautomation.exe" gui --minimized'
    )
    assert autostart.entry_location(platform="win32") == (
        r"HKEY_CURRENT_USER\Software\Microsoft\Windows\CurrentVersion\Run"
        r"\Email Automation"
    )
    assert not autostart.is_enabled(platform="win32")  # no registry here


def test_the_launch_command_starts_this_installation(user_environment):
    command = autostart.launch_command()
    assert command[-1] == "--minimized"
    assert Path(command[0]).parent == Path(sys.executable).parent
    # The same command, asked for help instead of a window, really runs.
    completed = subprocess.run(
        [*command[:-1], "--help"], capture_output=True, text=True, timeout=60
    )
    assert completed.returncode == 0, completed.stderr
    assert "--minimized" in completed.stdout


def test_a_database_url_with_a_password_is_never_written(user_environment):
    with_password = "postgresql+psycopg://pat:s3cret@db.example/ledger"
    assert "--db" not in autostart.launch_command(with_password)
    sqlite = "sqlite:////home/pat/ledger.sqlite3"
    command = autostart.launch_command(sqlite)
    assert command[-3:] == ["--db", sqlite, "--minimized"]
    assert "--db" in autostart.launch_command("/home/pat/ledger.sqlite3")
