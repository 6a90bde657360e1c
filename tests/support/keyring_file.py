"""A keyring backend for tests: passwords in a JSON file named by an env variable.

Selected with ``PYTHON_KEYRING_BACKEND=support.keyring_file.JsonFileKeyring``
(``tests/`` on ``PYTHONPATH``), so subprocesses and worker threads share it.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

ENV = "EMAILAUTOMATION_TEST_KEYRING"
_lock = threading.Lock()


class JsonFileKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    @property
    def _path(self) -> Path:
        return Path(os.environ[ENV])

    def _load(self) -> dict[str, str]:
        try:
            return json.loads(self._path.read_text())
        except FileNotFoundError:
            return {}

    def _save(self, data: dict[str, str]) -> None:
        tmp = self._path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data))
        tmp.replace(self._path)

    def get_password(self, service: str, username: str) -> str | None:
        with _lock:
            return self._load().get(f"{service}\0{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        with _lock:
            data = self._load()
            data[f"{service}\0{username}"] = password
            self._save(data)

    def delete_password(self, service: str, username: str) -> None:
        with _lock:
            data = self._load()
            if data.pop(f"{service}\0{username}", None) is None:
                raise PasswordDeleteError(username)
            self._save(data)
