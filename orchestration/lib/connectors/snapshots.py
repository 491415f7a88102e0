"""Content-addressed raw snapshots and the landing manifest.

Every pull is kept: the bytes go to ``landing/<source>/<sha256><suffix>`` (written once,
read-only, so an unchanged input creates no new file) and each pull appends one row to
``landing/manifest.csv``, accepted or rejected, so a bad file is still on disk to inspect.
"""

import csv
import os
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

from ..hashing import sha256_of
from .fetch import FetchedFile

MANIFEST_COLUMNS = (
    "source",
    "origin",
    "retrieved_at",
    "bytes",
    "sha256",
    "snapshot",
    "snapshot_status",
    "rows",
    "status",
    "detail",
)


@dataclass(frozen=True)
class Snapshot:
    source: str
    origin: str
    retrieved_at: str
    bytes: int
    sha256: str
    snapshot: str  # path of the immutable copy
    snapshot_status: str  # "new" or "unchanged"

    @property
    def path(self) -> Path:
        return Path(self.snapshot)


def take_snapshot(fetched: FetchedFile, landing_dir: Path) -> Snapshot:
    """Copy the fetched bytes into the landing zone under their content hash."""
    digest = sha256_of(fetched.path)
    target = landing_dir / fetched.source / f"{digest}{fetched.path.suffix.lower()}"
    status = "unchanged"
    if not target.exists():
        status = "new"
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
        shutil.copyfile(fetched.path, partial)
        partial.chmod(0o444)
        os.replace(partial, target)  # atomic: a snapshot is either whole or absent
    return Snapshot(
        source=fetched.source,
        origin=fetched.origin,
        retrieved_at=fetched.retrieved_at.isoformat(timespec="seconds"),
        bytes=target.stat().st_size,
        sha256=digest,
        snapshot=str(target),
        snapshot_status=status,
    )


def record_pull(landing_dir: Path, snapshot: Snapshot, rows: int | None, status: str, detail: str = "") -> dict:
    """Append the pull to ``manifest.csv`` and return the row written."""
    row = {**asdict(snapshot), "rows": "" if rows is None else rows, "status": status, "detail": detail}
    manifest = landing_dir / "manifest.csv"
    manifest.parent.mkdir(parents=True, exist_ok=True)
    is_new_file = not manifest.exists()
    with manifest.open("a", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=MANIFEST_COLUMNS)
        if is_new_file:
            writer.writeheader()
        writer.writerow(row)
    return row
