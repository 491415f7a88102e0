"""Versioned, all-or-nothing publications for analysts.

Layout under the publish folder::

    latest -> versions/<version>          (a symlink, switched atomically)
    versions/<version>/manifest.json      (sources, run, commit, rows, checks, columns)
    versions/<version>/nqpf.duckdb        (read-only file with every published table)
    versions/<version>/parquet/<table>.parquet
    versions/<version>/csv/<table>.csv

A version is written in ``.staging/``, flushed to disk, renamed into ``versions/`` and only
then does ``latest`` move. A failure or a kill at any point leaves the previous version
byte-identical and ``latest`` pointing at it; leftovers in ``.staging/`` are removed by the
next publication.
"""

import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .hashing import sha256_of
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


def publish(
    publish_root: Path,
    warehouse: Path,
    tables: list[PublishedTable],
    version: str,
    provenance: dict[str, Any],
    keep_versions: int = 30,
) -> Publication:
    """Write a complete new version, then point ``latest`` at it."""
    staging_root = publish_root / ".staging"
    shutil.rmtree(staging_root, ignore_errors=True)  # leftovers of an interrupted publication
    staging = staging_root / version
    (staging / "parquet").mkdir(parents=True)
    (staging / "csv").mkdir()

    table_entries = _export_tables(staging, warehouse, tables)
    manifest = {
        "version": version,
        "published_at": datetime.now(UTC).isoformat(timespec="seconds"),
        **provenance,
        "tables": table_entries,
    }
    (staging / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str) + "\n")
    _flush_tree(staging)

    versions = publish_root / "versions"
    versions.mkdir(parents=True, exist_ok=True)
    final = versions / version
    os.rename(staging, final)
    _fsync_dir(versions)
    _point_latest(publish_root, final)
    _prune(versions, keep_versions, keep=final)
    return Publication(version, final, manifest)


def _export_tables(staging: Path, warehouse: Path, tables: list[PublishedTable]) -> dict[str, Any]:
    import duckdb

    entries: dict[str, Any] = {}
    database = staging / "nqpf.duckdb"
    con = duckdb.connect(str(database))
    try:
        con.execute(f"attach {_sql_literal(str(warehouse))} as warehouse (read_only)")
        for table in tables:
            con.execute(f"create table {table.name} as select * from warehouse.{table.relation}")
            con.execute(f"comment on table {table.name} is {_sql_literal(table.description)}")
            for column, doc in table.columns.items():
                con.execute(f'comment on column {table.name}."{column}" is {_sql_literal(doc.get("description", ""))}')
            parquet, csv = staging / "parquet" / f"{table.name}.parquet", staging / "csv" / f"{table.name}.csv"
            con.execute(f"copy {table.name} to {_sql_literal(str(parquet))} (format parquet)")
            con.execute(f"copy {table.name} to {_sql_literal(str(csv))} (format csv, header)")
            rows = con.execute(f"select count(*) from {table.name}").fetchone()[0]
            entries[table.name] = {
                "rows": rows,
                "key": table.key,
                "description": table.description,
                "files": {
                    "parquet": {"path": f"parquet/{parquet.name}", "sha256": sha256_of(parquet)},
                    "csv": {"path": f"csv/{csv.name}", "sha256": sha256_of(csv)},
                },
                "columns": table.columns,
            }
        con.execute("detach warehouse")
    finally:
        con.close()
    database.chmod(0o444)
    return entries


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


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


def _prune(versions: Path, keep_versions: int, keep: Path) -> None:
    """Drop the oldest versions beyond ``keep_versions``; never the one ``latest`` points at."""
    ordered = sorted(p for p in versions.iterdir() if p.is_dir())
    for old in ordered[: max(0, len(ordered) - keep_versions)]:
        if old != keep:
            shutil.rmtree(old)
