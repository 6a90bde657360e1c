"""A throw-away Dovecot IMAP server for tests and benchmarks.

Runs Debian's ``dovecot`` as root with its own configuration, users and
Maildirs in a temporary folder, listening on free loopback ports: one plain
IMAP port (``port``) and, when TLS files are given, an implicit-TLS port
(``tls_port``) plus STARTTLS on the plain one.
"""

from __future__ import annotations

import email.utils
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
DOVEADM = shutil.which("doveadm") or "/usr/bin/doveadm"


class DovecotUnavailable(RuntimeError):
    """Dovecot is not installed or cannot run here (the reason is the message)."""


def unavailable_reason() -> str | None:
    if not Path(DOVECOT).exists():
        return "Dovecot is not installed (apt-get install dovecot-imapd)"
    if os.geteuid() != 0:
        return "the Dovecot test server must run as root"
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Dovecot:
    """A running server; ``start()`` it, ``add_user()``, ``deliver()``, ``stop()``.

    ``root`` must be reachable by the ``dovecot`` and ``nobody`` users, so by
    default it is a fresh world-readable folder (pytest's own are 0700).
    """

    root: Path = field(
        default_factory=lambda: Path(tempfile.mkdtemp(prefix="ea-dovecot-"))
    )
    tls_cert: Path | None = None
    tls_key: Path | None = None
    port: int = 0
    tls_port: int = 0
    host: str = "127.0.0.1"
    # One password for every user: a static passdb needs no reload when a
    # test adds a user (passwd-file changes within a second can go unseen).
    password: str = field(default_factory=lambda: uuid.uuid4().hex)
    _process: subprocess.Popen[bytes] | None = None

    @property
    def config_path(self) -> Path:
        return self.root / "dovecot.conf"

    @property
    def mail_root(self) -> Path:
        return self.root / "mail"

    def _write_config(self) -> None:
        nobody = pwd.getpwnam("nobody")
        ssl_lines = ["ssl = no"]
        tls_listener = ""
        if self.tls_cert and self.tls_key:
            ssl_lines = [
                "ssl = yes",
                f"ssl_cert = <{self.tls_cert}",
                f"ssl_key = <{self.tls_key}",
            ]
            tls_listener = (
                "  inet_listener imaps {\n"
                f"    address = {self.host}\n"
                f"    port = {self.tls_port}\n"
                "    ssl = yes\n"
                "  }\n"
            )
        config = f"""
base_dir = {self.root}/run
state_dir = {self.root}/state
log_path = {self.root}/dovecot.log
info_log_path = {self.root}/dovecot.log
listen = {self.host}
protocols = imap
disable_plaintext_auth = no
auth_mechanisms = plain login
{chr(10).join(ssl_lines)}
first_valid_uid = 1
mail_uid = {nobody.pw_uid}
mail_gid = {nobody.pw_gid}
mail_location = maildir:{self.mail_root}/%u
passdb {{
  driver = static
  args = password={self.password}
}}
userdb {{
  driver = static
  args = uid={nobody.pw_uid} gid={nobody.pw_gid} home={self.mail_root}/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = {self.host}
    port = {self.port}
  }}
{tls_listener}}}
service anvil {{
  chroot =
}}
service stats {{
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""
        self.config_path.write_text(config)

    def start(self) -> Dovecot:
        reason = unavailable_reason()
        if reason:
            raise DovecotUnavailable(reason)
        self.root.mkdir(parents=True, exist_ok=True)
        os.chmod(self.root, 0o755)
        for sub in ("run", "state", "mail"):
            (self.root / sub).mkdir(exist_ok=True)
        self.port = self.port or free_port()
        if self.tls_cert:
            self.tls_port = self.tls_port or free_port()
        self._write_config()
        # The daemon inherits our stdout/stderr; pipes would never reach EOF.
        startup_log = self.root / "startup.log"
        with startup_log.open("w") as out:
            result = subprocess.run(
                [DOVECOT, "-c", str(self.config_path)], stdout=out, stderr=out
            )
        if result.returncode != 0:
            reason = startup_log.read_text(errors="replace").strip()
            raise DovecotUnavailable(f"dovecot did not start: {reason}")
        self._wait_for_port(self.port)
        return self

    def _wait_for_port(self, port: int, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with socket.create_connection((self.host, port), timeout=0.5) as sock:
                    if sock.recv(64).startswith(b"* OK"):
                        return
            except OSError:
                time.sleep(0.05)
        log = (self.root / "dovecot.log").read_text(errors="replace")[-2000:]
        raise DovecotUnavailable(f"dovecot did not answer on port {port}:\n{log}")

    def stop(self, *, remove: bool = True) -> None:
        subprocess.run(
            [DOVEADM, "-c", str(self.config_path), "stop"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if remove:
            shutil.rmtree(self.root, ignore_errors=True)

    def add_user(self, name: str | None = None) -> tuple[str, str]:
        """Create a mailbox user; returns (user name, password)."""
        name = name or f"user{uuid.uuid4().hex[:10]}"
        maildir = self.mail_root / name
        for sub in ("new", "cur", "tmp"):
            (maildir / sub).mkdir(parents=True, exist_ok=True)
        self._chown(maildir)
        return name, self.password

    def _chown(self, path: Path) -> None:
        nobody = pwd.getpwnam("nobody")
        for dirpath, _dirs, files in os.walk(path):
            os.chown(dirpath, nobody.pw_uid, nobody.pw_gid)
            for name in files:
                os.chown(os.path.join(dirpath, name), nobody.pw_uid, nobody.pw_gid)

    def deliver(
        self,
        user: str,
        messages: Iterable[bytes],
        *,
        internal_date: float | None = None,
    ) -> int:
        """Drop raw messages into the user's INBOX as new, unread mail.

        INTERNALDATE is the file time: now unless ``internal_date`` (a POSIX
        timestamp) is given. Returns the number delivered.
        """
        new = self.mail_root / user / "new"
        nobody = pwd.getpwnam("nobody")
        count = 0
        stamp = time.time() if internal_date is None else internal_date
        for raw in messages:
            name = f"{int(stamp)}.{uuid.uuid4().hex}.test"
            tmp = self.mail_root / user / "tmp" / name
            tmp.write_bytes(raw)
            os.utime(tmp, (stamp, stamp))
            os.chown(tmp, nobody.pw_uid, nobody.pw_gid)
            os.rename(tmp, new / name)
            count += 1
        return count


def date_of(raw: bytes) -> float | None:
    """The POSIX time of a message's Date header, for realistic INTERNALDATEs."""
    msg = email.message_from_bytes(raw)
    value = msg.get("Date")
    if not value:
        return None
    return email.utils.parsedate_to_datetime(value).timestamp()
