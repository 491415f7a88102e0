"""One refresh per data folder at a time, whichever way it starts (command line, UI, schedule).

The lock is an OS file lock (``flock``) on ``<data folder>/.refresh.lock``: the kernel drops it
when its process dies, so a killed refresh never leaves a lock to clean up by hand. Beside it,
``.refresh.lock.json`` says who holds it, for the message the next refresh prints. Taking the
lock also clears what killed refreshes leave behind: half-written snapshot and profile files.
Readers of ``publish/latest`` never take it: a publication is switched atomically.
"""

import json
import os
import socket
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock, Timeout

LOCK_FILE = ".refresh.lock"
HOLDER_FILE = ".refresh.lock.json"


class DataFolderBusy(RuntimeError):
    """Another refresh holds the data folder."""


class RefreshLock:
    def __init__(self, root: Path):
        self.root = root
        self._lock = FileLock(root / LOCK_FILE)

    def acquire(self, run_id: str, wait_s: float = 0.0) -> None:
        """Take the folder, or raise ``DataFolderBusy`` naming the run that holds it."""
        self.root.mkdir(parents=True, exist_ok=True)
        try:
            self._lock.acquire(timeout=wait_s)
        except Timeout:
            raise DataFolderBusy(
                f"the data folder {self.root} is in use by {self.holder()}; this refresh did not start"
            ) from None
        holder = {"run_id": run_id, "pid": os.getpid(), "host": socket.gethostname(),
                  "started_at": datetime.now(UTC).isoformat(timespec="seconds")}  # fmt: skip
        (self.root / HOLDER_FILE).write_text(json.dumps(holder) + "\n", encoding="utf-8")
        clear_leftovers(self.root)

    def busy(self) -> str | None:
        """Who holds the folder, or None when it is free (takes and drops the lock to find out)."""
        self.root.mkdir(parents=True, exist_ok=True)
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            return self.holder()
        self._lock.release()
        return None

    def release(self) -> None:
        if self._lock.is_locked:
            (self.root / HOLDER_FILE).unlink(missing_ok=True)
            self._lock.release()

    def holder(self) -> str:
        try:
            holder = json.loads((self.root / HOLDER_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return "another refresh"
        return f"run {holder['run_id']} (pid {holder['pid']} on {holder['host']}, started {holder['started_at']})"


def clear_leftovers(root: Path) -> list[Path]:
    """Remove the partial files a killed refresh can leave (only while holding the lock)."""
    leftovers = [*(root / "landing").rglob(".*.partial"), *(root / "publish").glob(".latest.*")]
    for path in leftovers:
        path.unlink(missing_ok=True)
    return leftovers
