"""Drive the real app on an X display that has a system tray; print what it saw.

Run by ``test_tray_desktop.py`` in a subprocess (``QT_QPA_PLATFORM=xcb``,
``DISPLAY`` set): ``python tray_desktop_run.py DB_URL QUIT_BY``, where QUIT_BY
is ``tray`` (the tray menu's Quit) or ``file-menu`` (the window's File > Quit).
Prints one JSON object on the last line of its output.
"""

from __future__ import annotations

import ctypes
import json
import sys
from collections.abc import Callable, Iterator

from PySide6.QtCore import QDeadlineTimer, QEventLoop, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

GIVE_UP_MS = 60_000
STEP_MS = 50


def close_like_the_window_manager(window_id: int) -> None:
    """Send WM_DELETE_WINDOW, as a title bar's close button does."""

    class ClientMessage(ctypes.Structure):
        _fields_ = [
            ("type", ctypes.c_int),
            ("serial", ctypes.c_ulong),
            ("send_event", ctypes.c_int),
            ("display", ctypes.c_void_p),
            ("window", ctypes.c_ulong),
            ("message_type", ctypes.c_ulong),
            ("format", ctypes.c_int),
            ("data", ctypes.c_long * 5),
        ]

    class Event(ctypes.Union):
        _fields_ = [("xclient", ClientMessage), ("pad", ctypes.c_long * 24)]

    x11 = ctypes.CDLL("libX11.so.6")
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x11.XInternAtom.restype = ctypes.c_ulong
    x11.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    x11.XSendEvent.argtypes = [
        ctypes.c_void_p,
        ctypes.c_ulong,
        ctypes.c_int,
        ctypes.c_long,
        ctypes.c_void_p,
    ]
    x11.XFlush.argtypes = [ctypes.c_void_p]
    x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
    display = x11.XOpenDisplay(None)
    event = Event()
    event.xclient.type = 33  # ClientMessage
    event.xclient.window = window_id
    event.xclient.message_type = x11.XInternAtom(display, b"WM_PROTOCOLS", 0)
    event.xclient.format = 32
    event.xclient.data[0] = x11.XInternAtom(display, b"WM_DELETE_WINDOW", 0)
    x11.XSendEvent(display, window_id, 0, 0, ctypes.byref(event))
    x11.XFlush(display)
    x11.XCloseDisplay(display)


def main() -> int:
    db_url, quit_by = sys.argv[1], sys.argv[2]
    qt = QApplication([sys.argv[0]])
    deadline = QDeadlineTimer(10_000)
    while not QSystemTrayIcon.isSystemTrayAvailable() and not deadline.hasExpired():
        qt.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 100)

    from emailautomation import app
    from emailautomation.ui import scheduler
    from emailautomation.ui.main_window import MainWindow
    from emailautomation.ui.tray import TrayIcon

    scheduler.STARTUP_DELAY_MS = 1500  # the test connects to the tray first
    notices: list[list[str]] = []
    seen: dict[str, object] = {
        "available": QSystemTrayIcon.isSystemTrayAvailable(),
        "notified": notices,
    }
    found: dict[str, object] = {}

    def window() -> MainWindow:
        return found["window"]  # type: ignore[return-value]

    def tray() -> TrayIcon:
        return found["tray"]  # type: ignore[return-value]

    def find() -> bool:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, MainWindow):
                icon = widget.findChild(TrayIcon)
                if icon is not None:
                    found.update(window=widget, tray=icon)
                    icon.notified.connect(
                        lambda title, text: notices.append([title, text])
                    )
                    return True
        return False

    def steps() -> Iterator[Callable[[], bool]]:
        yield find
        seen["tray_visible"] = tray().icon.isVisible()
        seen["tray_width"] = tray().icon.geometry().width()
        seen["window_visible_at_start"] = window().isVisible()
        # The scheduled first run (the account was never checked).
        yield lambda: bool(notices) and not tray().runs.running()
        seen["state_after_run"] = tray().state
        seen["tooltip"] = tray().icon.toolTip()
        tray().open_window.trigger()
        yield lambda: window().isVisible()
        seen["window_visible_after_open"] = True
        close_like_the_window_manager(int(window().winId()))
        yield lambda: not window().isVisible()
        seen["window_hidden_after_close"] = True
        seen["polling_after_close"] = tray().scheduler.active
        tray().open_window.trigger()
        yield lambda: window().isVisible()
        seen["quit_by"] = quit_by
        if quit_by == "tray":
            tray().quit.trigger()
        else:
            (quit_action,) = [
                a
                for a in window().findChildren(type(tray().quit))
                if a.shortcut() == QKeySequence(QKeySequence.StandardKey.Quit)
            ]
            quit_action.trigger()
        yield lambda: False  # main() returns when the app quits

    plan = steps()
    waiting: list[Callable[[], bool]] = [next(plan)]

    def tick() -> None:
        if waiting and waiting[0]():
            try:
                waiting[0] = next(plan)
            except StopIteration:
                waiting.clear()

    ticker = QTimer()
    ticker.timeout.connect(tick)
    ticker.start(STEP_MS)

    def give_up() -> None:
        seen["gave_up_waiting"] = True
        qt.quit()

    QTimer.singleShot(GIVE_UP_MS, give_up)
    seen["exit_status"] = app.main(["--db", db_url, "--minimized"])
    ticker.stop()
    seen["still_waiting"] = bool(waiting) and not seen.get("quit_by")
    print(json.dumps(seen))
    return 0


if __name__ == "__main__":
    sys.exit(main())
