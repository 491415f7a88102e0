"""Versioned, all-or-nothing publications for analysts.

Layout under the publish folder::

    latest -> versions/<version>          (a symlink, switched atomically)
    versions/<version>/manifest.json      (sources, run, commit, rows, checks, columns)
    versions/<version>/nqpf.duckdb        (read-only file with every published table)
    versions/<version>/parquet/<table>.parquet
    versions/<version>/csv/<table>.csv
    versions/<version>/changes/<table>.parquet   (cells revised since the previous version)
    versions/<version>/report/index.html, quality/index.html  (pages written by ``decorate``)
    pins/<name>                           (a file naming a version that retention never removes)

A version is written in ``.staging/``: the Parquet files first, then the pages (``decorate``)
while the CSV and DuckDB files and the change log are written in threads (DuckDB releases the
GIL; publication_files.py). It is flushed to disk, renamed into ``versions/`` and only then does
``latest`` move. A failure or a kill at any point leaves the previous version
byte-identical and ``latest`` pointing at it; leftovers in ``.staging/`` are removed by the
next publication.

Each manifest has a ``changes`` section against the version it replaced (publication_diff.py).
A run that finds nothing changed publishes nothing and adds a timestamp to the current
version's ``confirmed_at`` list instead (``confirm``). Retention keeps the newest
``keep_versions`` distinct versions (by the fingerprint of their inputs), and never the one
``latest`` points at or one a pin file names.
"""

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .publication_files import attached, write_csv, write_database, write_parquet
from .settings import PROJECT_ROOT


@dataclass(frozen=True)
class PublishedTable:
    name: str
    relation: str  # schema.table in the warehouse
    description: str
    columns: dict[str, dict[str, str]]  # name -> {"data_type", "description"}
    key: list[str]  # the columns that identify a row (its dbt uniqueness test)


@dataclass
class Publication:
    version: str
    path: Path
    manifest: dict[str, Any] = field(default_factory=dict)


def new_version_id(run_id: str, now: datetime | None = None) -> str:
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    return f"{stamp}_{run_id[:8]}"


def git_commit() -> dict[str, Any]:
    """The code that produced a publication (None outside a git checkout)."""

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(["git", "-C", str(PROJECT_ROOT), *args], capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": bool(status) if status is not None else None}


def latest_version(publish_root: Path) -> Path | None:
    pointer = publish_root / "latest"
    return pointer.resolve() if pointer.is_symlink() else None


def latest_manifest(publish_root: Path) -> dict[str, Any] | None:
    latest = latest_version(publish_root)
    manifest = latest / "manifest.json" if latest is not None else None
    return json.loads(manifest.read_text()) if manifest is not None and manifest.is_file() else None


def publish(
    publish_root: Path,
    warehouse: Path,
    tables: list[PublishedTable],
    version: str,
    provenance: dict[str, Any],
    keep_versions: int = 30,
    decorate: Callable[[Path], None] | None = None,
) -> Publication:
    """Write a complete new version, then point ``latest`` at it. ``decorate`` adds files to the
    version (the report) once its Parquet files and a manifest of its provenance and tables are
    written, while the CSV and DuckDB files and the change log are: it must read only the Parquet
    files and the manifest's provenance. It is inside the same all-or-nothing step: if it fails,
    nothing is published."""
    staging_root = publish_root / ".staging"
    shutil.rmtree(staging_root, ignore_errors=True)  # leftovers of an interrupted publication
    staging = staging_root / version
    (staging / "parquet").mkdir(parents=True)
    (staging / "csv").mkdir()

    from .publication_diff import version_changes  # DuckDB loads on first use, not with the code location

    previous, before = latest_version(publish_root), latest_manifest(publish_root)
    with attached(warehouse, staging) as con, ThreadPoolExecutor(max_workers=3) as pool:
        table_entries = write_parquet(con, staging, tables)
        manifest = {
            "version": version,
            "published_at": datetime.now(UTC).isoformat(timespec="seconds"),
            **provenance,
            "tables": table_entries,
        }
        # The pages read the Parquet files and the manifest's provenance, nothing else: the CSV
        # files, the DuckDB file and the change log (DuckDB, off the GIL) are written meanwhile.
        csv_files = pool.submit(write_csv, con, staging, tables)
        database = pool.submit(write_database, con, tables)
        changes = (
            pool.submit(version_changes, previous, before, staging, manifest, staging / "changes") if before is not None else None
        )
        _write_manifest(staging, manifest)
        if decorate is not None:
            decorate(staging)
        # The manifest changes only once the change log, which reads it, is done; a failure of
        # any of the three fails the publication.
        if changes is not None:
            manifest["changes"] = changes.result()
        for name, csv in csv_files.result().items():
            table_entries[name]["files"]["csv"] = csv
        database.result()
    _write_manifest(staging, manifest)
    _flush_tree(staging)

    versions = publish_root / "versions"
    versions.mkdir(parents=True, exist_ok=True)
    final = versions / version
    os.rename(staging, final)
    _fsync_dir(versions)
    _point_latest(publish_root, final)
    prune_versions(publish_root, keep_versions, keep=final)
    return Publication(version, final, manifest)


def confirm(version_dir: Path, now: datetime | None = None) -> str:
    """Record on a version that a refresh found its inputs unchanged; returns the timestamp added."""
    path = version_dir / "manifest.json"
    manifest = json.loads(path.read_text())
    stamp = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    manifest.setdefault("confirmed_at", []).append(stamp)
    partial = path.with_name(f".manifest.json.{os.getpid()}.partial")
    partial.write_text(json.dumps(manifest, indent=2, default=str) + "\n")
    with partial.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, path)  # readers see the old manifest or the new one, never half of it
    _fsync_dir(version_dir)
    return stamp


def _write_manifest(staging: Path, manifest: dict[str, Any]) -> None:
    (staging / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str) + "\n")


def _flush_tree(root: Path) -> None:
    for path in root.rglob("*"):
        if path.is_file():
            with path.open("rb") as handle:
                os.fsync(handle.fileno())
    for directory in [root, *(p for p in root.rglob("*") if p.is_dir())]:
        _fsync_dir(directory)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _point_latest(publish_root: Path, version_dir: Path) -> None:
    pointer = publish_root / "latest"
    temporary = publish_root / f".latest.{os.getpid()}"
    temporary.unlink(missing_ok=True)
    temporary.symlink_to(version_dir.relative_to(publish_root))
    os.replace(temporary, pointer)  # rename(2) is atomic: readers see the old or the new target
    _fsync_dir(publish_root)


def pinned_versions(publish_root: Path) -> dict[str, list[str]]:
    """Version name -> the pin files naming it. A pin is any file in ``pins/`` whose first line is a version."""
    pins: dict[str, list[str]] = {}
    folder = publish_root / "pins"
    for pin in sorted(folder.iterdir()) if folder.is_dir() else []:
        if pin.is_file():
            lines = pin.read_text(encoding="utf-8").split()
            if lines:
                pins.setdefault(lines[0], []).append(pin.name)
    return pins


def _inputs_of(version_dir: Path) -> str:
    """A version's input fingerprint (its name when its manifest has none): equal means the same tables."""
    try:
        return json.loads((version_dir / "manifest.json").read_text())["inputs"]["fingerprint"]
    except (OSError, ValueError, KeyError, TypeError):
        return version_dir.name


def prune_versions(publish_root: Path, keep_versions: int, keep: Path) -> None:
    """Keep the newest ``keep_versions`` distinct versions, ``keep`` (latest) and every pinned one."""
    versions = publish_root / "versions"
    pinned = pinned_versions(publish_root)
    distinct: set[str] = set()
    for version in sorted((p for p in versions.iterdir() if p.is_dir()), reverse=True):  # names start with the time
        inputs = _inputs_of(version)
        if inputs not in distinct and len(distinct) < keep_versions:
            distinct.add(inputs)
            continue
        if version != keep and version.name not in pinned:
            shutil.rmtree(version)
