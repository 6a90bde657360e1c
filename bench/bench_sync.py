"""Sync benchmark: our first and no-op ``process`` against a bare download and mbsync.

Run as root (it starts a throw-away Dovecot like the test fixture)::

    .venv/bin/python bench/bench_sync.py            # N=10,000, 3 rounds
    .venv/bin/python bench/bench_sync.py --large    # and again with N=100,000

Everything is measured in the same run on the same mailbox, rounds
interleaved so that a busy moment on the machine hits every contender alike;
the table shows medians. See bench/README.md for what each row means.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
TESTS_DIR = ROOT / "tests"
sys.path[:0] = [str(BENCH_DIR), str(TESTS_DIR)]

import alerts  # noqa: E402

from support.dovecot import Dovecot, unavailable_reason  # noqa: E402

TARGETS = {
    "first_sync_vs_floor": 3.0,
    "noop_seconds": 0.3,
    "memory_growth_mb": 50.0,
    "gui_stall_ms": 50.0,
}


@dataclass
class Child:
    """A finished child process: wall time, peak RSS and what it printed."""

    seconds: float
    max_rss_mb: float
    returncode: int
    stdout: str
    stderr: str


GNU_TIME = shutil.which("time") and "/usr/bin/time"


def run_child(
    argv: Sequence[str], env: dict[str, str], stdin: str = "", cwd: Path | None = None
) -> Child:
    """Run ``argv`` and measure it alone: wall time and its own peak RSS.

    The peak comes from GNU time (Debian ``time``) wrapped around the command:
    ``wait4`` on a child spawned straight from this process would count this
    process's own RSS too, since Linux carries the high-water mark of the
    address space it was forked (or vforked) from across ``exec``.
    """
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.NamedTemporaryFile(mode="r") as rss,
    ):
        command = list(argv)
        if GNU_TIME:
            command = [GNU_TIME, "-f", "%M", "-o", rss.name, *command]
        started = time.perf_counter()
        proc = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=out, stderr=err, env=env, cwd=cwd
        )
        assert proc.stdin is not None
        proc.stdin.write(stdin.encode())
        proc.stdin.close()
        _pid, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        peak_kb = usage.ru_maxrss  # kilobytes on Linux; an upper bound, see above
        if GNU_TIME:
            lines = rss.read().split()
            peak_kb = int(lines[-1]) if lines and lines[-1].isdigit() else 0
        out.seek(0)
        err.seek(0)
        return Child(
            seconds=seconds,
            max_rss_mb=peak_kb / 1024,
            returncode=proc.returncode,
            stdout=out.read().decode(errors="replace"),
            stderr=err.read().decode(errors="replace"),
        )


def checked(child: Child, what: str) -> Child:
    if child.returncode != 0:
        raise SystemExit(
            f"{what} failed with status {child.returncode}:\n{child.stderr[-3000:]}"
        )
    return child


@dataclass
class Workspace:
    """Temporary home, keychain file and environment shared by the children."""

    root: Path
    server: Dovecot
    user: str
    password: str
    env: dict[str, str] = field(default_factory=dict)

    @classmethod
    def create(cls, root: Path, server: Dovecot, user: str, password: str) -> Workspace:
        home = root / "home"
        home.mkdir(parents=True, exist_ok=True)
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("EMAILAUTOMATION_", "PYTHON"))
        }
        env.update(
            HOME=str(home),
            XDG_DATA_HOME=str(home / ".local" / "share"),
            XDG_CONFIG_HOME=str(home / ".config"),
            XDG_CACHE_HOME=str(home / ".cache"),
            PYTHONPATH=str(TESTS_DIR),
            PYTHON_KEYRING_BACKEND="support.keyring_file.JsonFileKeyring",
            EMAILAUTOMATION_TEST_KEYRING=str(root / "keyring.json"),
            QT_QPA_PLATFORM="offscreen",
        )
        return cls(root, server, user, password, env)


# -- the contenders ---------------------------------------------------------


def floor_run(ws: Workspace, batch: int) -> tuple[Child, dict[str, Any]]:
    child = checked(
        run_child(
            [
                sys.executable,
                str(BENCH_DIR / "floor.py"),
                ws.server.host,
                str(ws.server.port),
                ws.user,
                str(batch),
            ],
            ws.env,
            stdin=ws.password + "\n",
        ),
        "the bare imapclient download",
    )
    return child, json.loads(child.stdout)


def mbsync_config(ws: Workspace, maildir: Path, *, fsync: bool = True) -> Path:
    config = ws.root / "mbsyncrc"
    config.write_text(
        f"""FSync {"yes" if fsync else "no"}

IMAPAccount bench
Host {ws.server.host}
Port {ws.server.port}
User {ws.user}
Pass {ws.password}
SSLType None
AuthMechs LOGIN

IMAPStore bench-far
Account bench

MaildirStore bench-near
Path {maildir}/
Inbox {maildir}/INBOX

Channel bench
Far :bench-far:
Near :bench-near:
Patterns INBOX
Create Near
Sync Pull
SyncState *
"""
    )
    config.chmod(0o600)
    return config


def mbsync_rounds(ws: Workspace, round_no: int) -> dict[str, Any]:
    """A first pull into an empty Maildir, a second one with nothing new, and a
    first pull again without mbsync's fsync of every message (``FSync no``)."""
    out: dict[str, Any] = {}
    for fsync in (True, False):
        maildir = ws.root / f"maildir-{round_no}-{int(fsync)}"
        shutil.rmtree(maildir, ignore_errors=True)
        maildir.mkdir()
        config = mbsync_config(ws, maildir, fsync=fsync)
        argv = ["mbsync", "-q", "-c", str(config), "bench"]
        first = checked(run_child(argv, ws.env), "mbsync (first sync)")
        inbox = maildir / "INBOX"
        out["pulled" if fsync else "pulled_nofsync"] = sum(
            len(os.listdir(inbox / sub)) for sub in ("cur", "new")
        )
        if fsync:
            out["first"] = first
            out["second"] = checked(run_child(argv, ws.env), "mbsync (no-op sync)")
        else:
            out["first_nofsync"] = first
        shutil.rmtree(maildir, ignore_errors=True)
    return out


def cli(ws: Workspace, db_url: str, *args: str, stdin: str = "") -> Child:
    return run_child(
        [sys.executable, "-m", "emailautomation", "--db", db_url, *args],
        ws.env,
        stdin=stdin,
    )


def fresh_account(ws: Workspace, name: str) -> tuple[str, Path]:
    """A new SQLite ledger with one account on the bench mailbox (not timed)."""
    path = ws.root / f"{name}.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    db_url = f"sqlite:///{path}"
    checked(
        cli(
            ws,
            db_url,
            "account",
            "add",
            "bench",
            "--host",
            ws.server.host,
            "--port",
            str(ws.server.port),
            "--security",
            "plain",
            "--user",
            ws.user,
            "--since",
            "2000-01-01",
            "--password-stdin",
            stdin=ws.password + "\n",
        ),
        "account add",
    )
    return db_url, path


def ledger_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        outcomes = dict(
            conn.execute(
                "SELECT outcome, COUNT(*) FROM processed_messages GROUP BY outcome"
            ).fetchall()
        )
        outcomes["transactions"] = conn.execute(
            "SELECT COUNT(*) FROM transactions"
        ).fetchone()[0]
    return outcomes


def ours_rounds(ws: Workspace, round_no: int, count: int) -> tuple[Child, Child, dict]:
    db_url, path = fresh_account(ws, f"ledger-{round_no}")
    first = checked(cli(ws, db_url, "process"), "our first process")
    counts = ledger_counts(path)
    stored = sum(v for k, v in counts.items() if k != "transactions")
    if stored != count:
        raise SystemExit(f"our first process stored {stored} of {count} messages")
    second = checked(cli(ws, db_url, "process"), "our no-op process")
    if not second.stdout.strip().startswith("bench: 0 new"):
        raise SystemExit(f"the second process was not a no-op: {second.stdout!r}")
    return first, second, counts


def gui_round(
    ws: Workspace, round_no: int, count: int, *, freeze: bool = False
) -> dict[str, Any]:
    db_url, _path = fresh_account(ws, f"gui-{round_no}-{int(freeze)}")
    argv = [sys.executable, str(BENCH_DIR / "gui_run.py"), db_url, "1"]
    child = checked(
        run_child([*argv, "--freeze"] if freeze else argv, ws.env), "the GUI run"
    )
    result = json.loads(child.stdout.strip().splitlines()[-1])
    if result.get("found") != count:
        raise SystemExit(f"the GUI run did not read the mailbox: {result}")
    return result


def extraction_round(raw: list[bytes]) -> dict[str, Any]:
    """MIME decoding, then extraction, over messages already in memory."""
    from emailautomation.extract import extract
    from emailautomation.mail.message import parse_alert

    started = time.perf_counter()
    parsed = [parse_alert(data) for data in raw]
    parse_seconds = time.perf_counter() - started
    started = time.perf_counter()
    results = [extract(alert) for alert in parsed]
    extract_seconds = time.perf_counter() - started
    return {
        "parse_seconds": parse_seconds,
        "extract_seconds": extract_seconds,
        "transactions": sum(1 for r in results if r.transaction is not None),
    }


# -- one mailbox size ---------------------------------------------------------


def bench_size(
    count: int, rounds: int, batch: int, *, gui: bool, extraction: bool, seed: int
) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix=f"ea-bench-{count}-"))
    os.chmod(work, 0o755)
    server = Dovecot(root=work / "dovecot").start()
    try:
        user, password = server.add_user("bench")
        ws = Workspace.create(work / "run", server, user, password)
        started = time.perf_counter()
        raw: list[bytes] = []
        for sample in alerts.generate(count, seed):
            server.deliver(user, [sample.raw], internal_date=sample.sent)
            if extraction:
                raw.append(sample.raw)
        mailbox_mb = sum(
            p.stat().st_size for p in (server.mail_root / user / "new").iterdir()
        ) / (1024 * 1024)
        print(
            f"N={count}: delivered {count} alerts ({mailbox_mb:.1f} MB) in "
            f"{time.perf_counter() - started:.1f} s",
            file=sys.stderr,
        )
        # Dovecot indexes a new Maildir on first access: do it before timing.
        floor_run(ws, batch)

        samples: dict[str, list[Any]] = {}

        def keep(name: str, value: Any) -> None:
            samples.setdefault(name, []).append(value)

        for round_no in range(1, rounds + 1):
            child, inner = floor_run(ws, batch)
            keep("floor_seconds", child.seconds)
            keep("floor_download_seconds", inner["download_seconds"])
            keep("floor_rss_mb", child.max_rss_mb)
            if inner["messages"] != count:
                raise SystemExit(f"the floor saw {inner['messages']} of {count}")

            if shutil.which("mbsync"):
                mbsync = mbsync_rounds(ws, round_no)
                for pulled in (mbsync["pulled"], mbsync["pulled_nofsync"]):
                    if pulled != count:
                        raise SystemExit(f"mbsync pulled {pulled} of {count}")
                keep("mbsync_first_seconds", mbsync["first"].seconds)
                keep("mbsync_noop_seconds", mbsync["second"].seconds)
                keep("mbsync_nofsync_first_seconds", mbsync["first_nofsync"].seconds)
                keep("mbsync_rss_mb", mbsync["first"].max_rss_mb)

            first, second, counts = ours_rounds(ws, round_no, count)
            keep("ours_first_seconds", first.seconds)
            keep("ours_first_rss_mb", first.max_rss_mb)
            keep("ours_noop_seconds", second.seconds)
            keep("ours_noop_rss_mb", second.max_rss_mb)
            keep("ours_outcomes", counts)

            if extraction:
                measured = extraction_round(raw)
                keep("parse_seconds", measured["parse_seconds"])
                keep("extract_seconds", measured["extract_seconds"])
                keep("extract_transactions", measured["transactions"])

            if gui:
                measured = gui_round(ws, round_no, count)
                keep("gui_worst_stall_ms", measured["worst_stall_ms"])
                keep("gui_gc_in_worst_gap_ms", measured["gc_in_worst_gap_ms"])
                keep("gui_run_seconds", measured["seconds"])
                keep("gui", measured)
                frozen = gui_round(ws, round_no, count, freeze=True)
                keep("gui_frozen_worst_stall_ms", frozen["worst_stall_ms"])
                keep("gui_frozen", frozen)
            print(
                f"N={count}: round {round_no}/{rounds}: floor "
                f"{samples['floor_seconds'][-1]:.2f} s, ours {first.seconds:.2f} s, "
                f"no-op {second.seconds:.3f} s",
                file=sys.stderr,
            )
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)

    medians = {
        name: statistics.median(values)
        for name, values in samples.items()
        if values and isinstance(values[0], int | float)
    }
    return {
        "messages": count,
        "mailbox_mb": mailbox_mb,
        "rounds": rounds,
        "median": medians,
        "samples": samples,
    }


# -- report -----------------------------------------------------------------


def table(result: dict[str, Any]) -> str:
    n = result["messages"]
    m = result["median"]
    floor = m["floor_seconds"]
    rows: list[tuple[str, str, str, str]] = []

    def timed(label: str, key: str, per_message: bool = True) -> None:
        if key not in m:
            return
        seconds = m[key]
        rate = f"{n / seconds:,.0f}" if per_message and seconds else ""
        rows.append((label, f"{seconds:.3f}", rate, f"{seconds / floor:.2f}×"))

    timed("floor: imapclient BODY.PEEK[] (whole process)", "floor_seconds")
    timed("floor: download only (login→logout)", "floor_download_seconds")
    timed("mbsync first sync (whole process)", "mbsync_first_seconds")
    timed("mbsync first sync, FSync no", "mbsync_nofsync_first_seconds")
    timed("ours: first `process` (whole process)", "ours_first_seconds")
    timed("mbsync no-op sync", "mbsync_noop_seconds", per_message=False)
    timed("ours: no-op `process`", "ours_noop_seconds", per_message=False)
    timed("MIME decoding alone (in memory)", "parse_seconds")
    timed("extraction alone (in memory)", "extract_seconds")

    def figure(label: str, key: str) -> None:
        if key in m:
            rows.append((label, f"{m[key]:.1f}", "", ""))

    figure("peak RSS, our first process (MB)", "ours_first_rss_mb")
    figure("peak RSS, our no-op process (MB)", "ours_noop_rss_mb")
    figure("peak RSS, floor (MB)", "floor_rss_mb")
    figure("peak RSS, mbsync (MB)", "mbsync_rss_mb")
    figure("GUI: worst event-loop stall (ms)", "gui_worst_stall_ms")
    figure("GUI: garbage collection inside it (ms)", "gui_gc_in_worst_gap_ms")
    figure("GUI: worst stall with gc.freeze() (ms)", "gui_frozen_worst_stall_ms")
    if "gui_worst_stall_ms" in m:
        timed("GUI: run through the window's workers", "gui_run_seconds")

    header = (
        f"N = {n:,}, median of {result['rounds']} rounds",
        "seconds",
        "msg/s",
        "vs floor",
    )
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    lines = [
        "  ".join(
            cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i])
            for i, cell in enumerate(row)
        )
        for row in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def verdicts(results: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each target with the measured value and whether it was met."""
    base = results[0]["median"]
    out: dict[str, dict[str, Any]] = {}
    ratio = base["ours_first_seconds"] / base["floor_seconds"]
    out["first_sync_vs_floor"] = {
        "value": ratio,
        "target": f"≤ {TARGETS['first_sync_vs_floor']}× the floor",
        "met": ratio <= TARGETS["first_sync_vs_floor"],
    }
    if "mbsync_first_seconds" in base:
        out["first_sync_vs_mbsync"] = {
            "value": base["ours_first_seconds"] / base["mbsync_first_seconds"],
            "target": "< 1 (faster than mbsync)",
            "met": base["ours_first_seconds"] < base["mbsync_first_seconds"],
        }
    if "mbsync_nofsync_first_seconds" in base:
        # mbsync syncs every message file to disk; on a busy disk that, not
        # its work, sets its pace. Without it is the stricter reference.
        nofsync = base["mbsync_nofsync_first_seconds"]
        out["first_sync_vs_mbsync_nofsync"] = {
            "value": base["ours_first_seconds"] / nofsync,
            "target": "< 1 (faster than mbsync with FSync no)",
            "met": base["ours_first_seconds"] < nofsync,
        }
    worst_noop = max(r["median"]["ours_noop_seconds"] for r in results)
    out["noop_seconds"] = {
        "value": worst_noop,
        "target": f"< {TARGETS['noop_seconds']} s at every mailbox size",
        "met": worst_noop < TARGETS["noop_seconds"],
    }
    if len(results) > 1:
        growth = results[-1]["median"]["ours_first_rss_mb"] - base["ours_first_rss_mb"]
        out["memory_growth_mb"] = {
            "value": growth,
            "target": f"< {TARGETS['memory_growth_mb']} MB from "
            f"{results[0]['messages']:,} to {results[-1]['messages']:,}",
            "met": growth < TARGETS["memory_growth_mb"],
        }
    if "gui_worst_stall_ms" in base:
        worst = max(results[0]["samples"]["gui_worst_stall_ms"])
        out["gui_stall_ms"] = {
            "value": worst,
            "target": f"≤ {TARGETS['gui_stall_ms']} ms (worst of all rounds)",
            "met": worst <= TARGETS["gui_stall_ms"],
        }
    return out


def environment() -> dict[str, Any]:
    def version(argv: list[str]) -> str:
        try:
            return subprocess.run(argv, capture_output=True, text=True).stdout.strip()
        except OSError:
            return "missing"

    import imapclient
    import sqlalchemy

    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "dovecot": version(["dovecot", "--version"]),
        "mbsync": version(["mbsync", "--version"]),
        "imapclient": imapclient.__version__,
        "sqlalchemy": sqlalchemy.__version__,
        "git_commit": version(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"]),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000, help="default 10,000")
    parser.add_argument("--rounds", type=int, default=3, help="default 3")
    parser.add_argument(
        "--large",
        action="store_true",
        help="repeat with --large-count messages to measure memory growth",
    )
    parser.add_argument("--large-count", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=250, help="FETCH batch size")
    parser.add_argument("--no-gui", action="store_true", help="skip the GUI run")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--output", type=Path, help="JSON file to write")
    args = parser.parse_args(argv)

    reason = unavailable_reason()
    if reason:
        print(f"bench_sync: cannot start Dovecot: {reason}", file=sys.stderr)
        return 2
    if not shutil.which("mbsync"):
        print(
            "bench_sync: mbsync (Debian 'isync') is missing; skipping it",
            file=sys.stderr,
        )

    results = [
        bench_size(
            args.count,
            args.rounds,
            args.batch,
            gui=not args.no_gui,
            extraction=True,
            seed=args.seed,
        )
    ]
    if args.large:
        results.append(
            bench_size(
                args.large_count,
                args.rounds,
                args.batch,
                gui=False,
                extraction=False,
                seed=args.seed,
            )
        )

    for result in results:
        print(table(result))
        print()
    checks = verdicts(results)
    for name, check in checks.items():
        mark = "met" if check["met"] else "MISSED"
        print(f"{name}: {check['value']:.3f} (target {check['target']}): {mark}")
    gui = results[0]["samples"].get("gui")
    if gui:
        print(f"GUI measured through: {gui[0]['driver']}")
    extracted = results[0]["samples"].get("extract_transactions")
    if extracted:
        print(
            f"extraction read {extracted[0]:,} transactions from {args.count:,} alerts"
        )

    stamp = dt.datetime.now().strftime("%Y-%m-%d")
    output = args.output or BENCH_DIR / "results" / f"sync-{stamp}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "environment": environment(),
        "arguments": vars(args) | {"output": str(output)},
        "targets": checks,
        "results": results,
    }
    output.write_text(json.dumps(report, indent=2, default=str) + "\n")
    print(f"wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
