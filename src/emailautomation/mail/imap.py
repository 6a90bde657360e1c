"""IMAP access with imapclient: connect under the account's TLS rules, find new UIDs,
fetch in batches without touching read/unread state."""

from __future__ import annotations

import contextlib
import datetime as dt
import imaplib
import logging
import socket
import ssl
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError

from emailautomation.errors import (
    AuthenticationFailed,
    ConnectionFailed,
    FolderNotFound,
    MailError,
    TLSFailed,
)

log = logging.getLogger(__name__)

DEFAULT_PORTS = {"ssl": 993, "starttls": 143, "plain": 143}
FETCH_BATCH = 250
TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True, slots=True)
class ServerSettings:
    """Where and how to connect; plain values only, no password."""

    host: str
    port: int
    security: str = "ssl"
    username: str = ""
    ssl_context: ssl.SSLContext | None = None
    timeout: float = TIMEOUT_SECONDS

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass(frozen=True, slots=True)
class FolderStatus:
    uidvalidity: int
    uidnext: int | None
    exists: int


def _connection_error(settings: ServerSettings, exc: BaseException) -> MailError:
    where = settings.where
    if isinstance(exc, ssl.SSLCertVerificationError):
        return TLSFailed(
            f"The certificate of {where} could not be verified "
            f"({exc.verify_message}). Check the server name, or the system's "
            "certificate store."
        )
    if isinstance(exc, ssl.SSLError):
        hint = ""
        if settings.security == "ssl":
            hint = (
                " The port may expect STARTTLS or plain IMAP instead of SSL/TLS "
                "(993 is the usual SSL/TLS port)."
            )
        reason = exc.reason or type(exc).__name__
        return TLSFailed(f"A secure connection to {where} failed ({reason}).{hint}")
    if isinstance(exc, socket.gaierror):
        return ConnectionFailed(
            f"The server name {settings.host!r} could not be found. "
            "Check the spelling and your network connection."
        )
    if isinstance(exc, ConnectionRefusedError):
        return ConnectionFailed(
            f"{where} refused the connection: no mail server is listening on "
            "that port. Check the port number."
        )
    if isinstance(exc, TimeoutError | socket.timeout):
        return ConnectionFailed(
            f"{where} did not answer within {settings.timeout:.0f} seconds."
        )
    if isinstance(exc, ConnectionResetError | EOFError | imaplib.IMAP4.abort):
        hint = ""
        if settings.security == "ssl":
            hint = " It may not speak SSL/TLS on this port."
        return ConnectionFailed(f"{where} closed the connection unexpectedly.{hint}")
    return ConnectionFailed(f"Could not talk to {where}: {exc}")


def _scrub(text: str, password: str) -> str:
    return text.replace(password, "********") if password else text


class Mailbox:
    """A logged-in IMAP connection. Use as a context manager; it logs out on exit.

    Owned by the thread that created it, like everything stateful here.
    """

    def __init__(self, client: IMAPClient, settings: ServerSettings) -> None:
        self._client = client
        self.settings = settings

    @classmethod
    def connect(cls, settings: ServerSettings, password: str) -> Mailbox:
        """Connect and log in; raise a ``MailError`` subclass saying what went wrong."""
        use_ssl = settings.security == "ssl"
        context = settings.ssl_context
        if context is None and settings.security != "plain":
            context = ssl.create_default_context()
        try:
            client = IMAPClient(
                settings.host,
                port=settings.port,
                ssl=use_ssl,
                ssl_context=context if use_ssl else None,
                timeout=settings.timeout,
            )
        except (OSError, EOFError, imaplib.IMAP4.error) as exc:
            raise _connection_error(settings, exc) from None
        try:
            if settings.security == "starttls":
                if b"STARTTLS" not in client.capabilities():
                    raise TLSFailed(
                        f"{settings.where} does not offer STARTTLS; choose SSL/TLS "
                        "(usually port 993) or, only on a trusted network, none."
                    )
                client.starttls(context)
            client.login(settings.username, password)
        except LoginError as exc:
            _close_quietly(client)
            detail = _scrub(str(exc), password).strip("b'\" ")
            raise AuthenticationFailed(
                f"{settings.where} refused the login for {settings.username!r}: "
                f"{detail}. Check the user name and password (many providers "
                "need an app password)."
            ) from None
        except MailError:
            _close_quietly(client)
            raise
        except (OSError, EOFError, imaplib.IMAP4.error, IMAPClientError) as exc:
            _close_quietly(client)
            raise _connection_error(settings, exc) from None
        log.debug("logged in to %s as %s", settings.where, settings.username)
        return cls(client, settings)

    def __enter__(self) -> Mailbox:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        try:
            self._client.logout()
        except Exception:
            _close_quietly(self._client)

    def folders(self) -> list[str]:
        return [name for _flags, _delim, name in self._client.list_folders()]

    def select(self, folder: str) -> FolderStatus:
        """Open ``folder`` read-only (EXAMINE), so nothing on the server changes."""
        try:
            info = self._client.select_folder(folder, readonly=True)
        except IMAPClientError as exc:
            raise FolderNotFound(
                f"The folder {folder!r} does not exist on {self.settings.where} "
                f"({_decode(exc)})."
            ) from None
        except (OSError, EOFError) as exc:
            raise _connection_error(self.settings, exc) from None
        uidnext = info.get(b"UIDNEXT")
        return FolderStatus(
            uidvalidity=int(info[b"UIDVALIDITY"]),
            uidnext=int(uidnext) if uidnext is not None else None,
            exists=int(info.get(b"EXISTS", 0)),
        )

    def search_new(
        self,
        *,
        after_uid: int,
        since: dt.date | None,
        senders: Sequence[str] = (),
    ) -> list[int]:
        """UIDs above ``after_uid`` (and on or after ``since``) from ``senders``."""
        criteria: list[Any] = []
        if after_uid > 0:
            criteria += ["UID", f"{after_uid + 1}:*"]
        if since is not None:
            criteria += ["SINCE", since]
        if senders:
            criteria.append(_any_sender(list(senders)))
        if not criteria:
            criteria = ["ALL"]
        try:
            uids = self._client.search(criteria)
        except (OSError, EOFError, imaplib.IMAP4.abort) as exc:
            raise _connection_error(self.settings, exc) from None
        # "n:*" always matches the highest UID even when it is below n.
        return sorted(uid for uid in uids if uid > after_uid)

    def fetch(
        self, uids: Sequence[int], batch_size: int = FETCH_BATCH
    ) -> Iterator[list[tuple[int, bytes]]]:
        """Yield batches of (uid, raw bytes) using BODY.PEEK[] (never sets \\Seen)."""
        for start in range(0, len(uids), batch_size):
            chunk = list(uids[start : start + batch_size])
            try:
                response = self._client.fetch(chunk, ["BODY.PEEK[]"])
            except (OSError, EOFError, imaplib.IMAP4.abort) as exc:
                raise _connection_error(self.settings, exc) from None
            batch = []
            for uid in chunk:
                data = response.get(uid)
                if data is None:
                    continue  # expunged between SEARCH and FETCH
                batch.append((uid, data.get(b"BODY[]", b"")))
            yield batch


def _any_sender(senders: list[str]) -> list[Any]:
    """Nested IMAP ORs: FROM a, FROM b, FROM c → OR (FROM a) (OR (FROM b) (FROM c))."""
    if len(senders) == 1:
        return ["FROM", senders[0]]
    return ["OR", ["FROM", senders[0]], _any_sender(senders[1:])]


def _decode(exc: Exception) -> str:
    text = str(exc)
    return text[2:-1] if text.startswith(("b'", 'b"')) else text


def _close_quietly(client: IMAPClient) -> None:
    with contextlib.suppress(Exception):
        client.shutdown()


def check_connection(settings: ServerSettings, password: str, folder: str) -> str:
    """Log in, list folders and count the messages in ``folder``; a summary line."""
    with Mailbox.connect(settings, password) as mailbox:
        folders = mailbox.folders()
        status = mailbox.select(folder)
    return (
        f"Connected to {settings.where}: {len(folders)} folders, "
        f"{status.exists} messages in {folder}."
    )
