"""The tray on a real X display (Xvfb with trayer as its system tray).

Offscreen Qt has no system tray, so these run the app in a subprocess with
the xcb platform on a display of their own.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from gui_support import alert_messages

from support.servers import missing_server

pytestmark = [pytest.mark.gui, pytest.mark.imap]

HERE = Path(__file__).resolve().parent
IN_CI = os.environ.get("CI", "").lower() == "true"


missing_desktop = missing_server


@pytest.fixture
def tray_display(tmp_path: Path) -> Iterator[str]:
    """An Xvfb display on a free number with trayer running as its tray."""
    xvfb, trayer = shutil.which("Xvfb"), shutil.which("trayer")
    if xvfb is None or trayer is None:
        missing_desktop(
            "no X server with a system tray: install the Debian packages xvfb "
            "and trayer (scripts/test does)"
        )
    log = (tmp_path / "x-display.log").open("wb")
    read_end, write_end = os.pipe()
    command = [xvfb, "-displayfd", str(write_end), "-screen", "0", "1024x768x24"]
    server = subprocess.Popen(
        [*command, "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stdout=log,
        stderr=log,
    )
    os.close(write_end)
    processes = [server]
    try:
        ready, _, _ = select.select([read_end], [], [], 15)
        number = os.read(read_end, 32).decode().strip() if ready else ""
        if not number.isdigit():
            pytest.fail(f"Xvfb did not start; see {log.name}", pytrace=False)
        display = f":{number}"
        environment = {**os.environ, "DISPLAY": display}
        processes.append(
            subprocess.Popen(
                [trayer, "--edge", "top", "--widthtype", "request", "--height", "24"],
                env=environment,
                stdout=log,
                stderr=log,
            )
        )
        yield display
    finally:
        os.close(read_end)
        for process in reversed(processes):
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()


@pytest.mark.parametrize("quit_by", ["tray", "file-menu"])
def test_the_app_lives_in_a_real_tray(
    tray_display, mailbox, sqlite_url, make_account, quit_by
):
    mailbox.deliver(alert_messages(3))
    make_account(sqlite_url, mailbox, name="HDFC Bank", poll_minutes=30)
    environment = {
        **os.environ,
        "QT_QPA_PLATFORM": "xcb",
        "DISPLAY": tray_display,
    }
    completed = subprocess.run(
        [sys.executable, str(HERE / "tray_desktop_run.py"), sqlite_url, quit_by],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    seen = json.loads(completed.stdout.strip().splitlines()[-1])

    assert seen["available"] is True
    assert not seen.get("gave_up_waiting"), (seen, completed.stderr[-3000:])
    assert seen["exit_status"] == 0
    # --minimized: in the tray, no window.
    assert seen["tray_visible"] is True and seen["tray_width"] > 0
    assert seen["window_visible_at_start"] is False
    # The scheduled run stored the alerts and said so.
    title, text = seen["notified"][0]
    assert title == "3 new transactions from HDFC Bank"
    assert text.startswith("₹") and " at " in text
    assert seen["state_after_run"] == "idle"
    assert "3 new transactions since" in seen["tooltip"]
    # Closing the window from its title bar hides it; polling goes on.
    assert seen["window_visible_after_open"] is True
    assert seen["window_hidden_after_close"] is True
    assert seen["polling_after_close"] is True
    assert seen["notified"][1][0] == "Email Automation is still running"
