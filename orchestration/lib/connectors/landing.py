"""One pull of a source, the same for every connector: fetch, snapshot, parse (or reject), keep
the published values, then load every raw table of the source in one transaction.

Nothing lands unless every file of the source was fetched and parsed: a source lands whole or
not at all, and a rejected file is kept as a snapshot with its pull recorded.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from ..inputs import code_digest
from ..settings import DataPaths
from ..warehouse import connect, load_raw_tables, loaded_snapshots
from .drift import DEFAULT_TOLERANCE, DriftTolerance, SourceDriftError, changes, profile, read_profiles, write_profiles
from .errors import SourceSchemaError
from .fetch import FetchedFile
from .snapshots import Snapshot, record_pull, take_snapshot
from .source import Source, SourceFile
from .tables import ParsedTable

if TYPE_CHECKING:  # pandas loads on first use, not with the code location
    import pandas as pd


@dataclass
class Pull:
    """One file of a source as it is recorded: its snapshot, rows kept and remarks."""

    snapshot: Snapshot
    table: str
    rows: int
    detail: str = ""
    file_key: str = ""  # what the file is, the same online and offline (SourceFile.key)


@dataclass
class PullResult:
    """What one pull landed: every raw table of the source and the pulls behind it."""

    source: str
    frames: dict[str, pd.DataFrame] | None  # None when not reloaded: see landed_frames
    pulls: list[Pull] = field(default_factory=list)
    reloaded: bool = True  # False: the warehouse already held these very files, parsed by this code

    @property
    def data_version(self) -> str:
        """Changes exactly when a file of the pull changes (content hashes, order-free)."""
        digests = sorted(p.snapshot.sha256 for p in self.pulls)
        return digests[0] if len(digests) == 1 else hashlib.sha256("+".join(digests).encode()).hexdigest()


def pull_source(
    source: Source, files: Iterable[SourceFile], paths: DataPaths, tolerance: DriftTolerance = DEFAULT_TOLERANCE
) -> PullResult:
    """Fetch, snapshot and parse every file of ``source``, then land its tables together.

    Each file is also compared with its previous landed pull (drift.py); the profiles are kept
    only once the source has landed. When every file is byte for byte what the warehouse already
    holds, and the same code parsed it, nothing is parsed or loaded again.
    """
    import pandas as pd

    fetched = [(file, snapshot_of(file.fetch(), paths.landing)) for file in files]
    loaded_by = code_digest()
    unchanged = unchanged_pull(source, fetched, paths, loaded_by)
    if unchanged is not None:
        return unchanged
    tables = {t.table: t for t in source.tables}
    collected: dict[str, list[pd.DataFrame]] = {t.table: [] for t in source.tables}
    previous, profiles, pulls = read_profiles(paths.landing), {}, []
    for file, snapshot in fetched:
        parsed = parse_or_reject(snapshot, paths.landing, file.parse)
        frame, remarks = published_rows(parsed, tables[file.table].long)
        key = f"{source.name}/{file.key}"
        profiles[key] = profile(frame, tables[file.table])
        if key in previous:
            moved = changes(previous[key], profiles[key], tolerance)
            if moved and source.name not in tolerance.warn_only:
                reject(
                    paths.landing,
                    snapshot,
                    SourceDriftError(source.name, snapshot.origin, "since its last pull, " + "; ".join(moved)),
                )
            remarks += [f"since its last pull, {change} (recorded: the publisher revises)" for change in moved]
        pulls.append(Pull(snapshot, file.table, len(frame), "; ".join(remarks), file.key))
        collected[file.table].append(frame)
    empty = [table for table, frames in collected.items() if not frames]
    if empty:
        raise ValueError(f"{source.name}: the pull listed no file for {', '.join(empty)}")
    frames = {table: pd.concat(parts, ignore_index=True) for table, parts in collected.items()}
    land(paths, source.name, frames, pulls, loaded_by)
    write_profiles(paths.landing, profiles)
    return PullResult(source.name, frames, pulls)


def unchanged_pull(
    source: Source, fetched: list[tuple[SourceFile, Snapshot]], paths: DataPaths, loaded_by: str
) -> PullResult | None:
    """The pull as the warehouse already holds it, or None when a file or the parsing code changed."""
    if not paths.warehouse.is_file():
        return None
    with connect(paths.warehouse, read_only=True) as con:
        landed = loaded_snapshots(con, source.name)
        if not landed or any(row["loaded_by"] != loaded_by for row in landed):
            return None
        if sorted(row["sha256"] for row in landed) != sorted(snapshot.sha256 for _, snapshot in fetched):
            return None
    rows = {row["sha256"]: row for row in landed}
    pulls = []
    for file, snapshot in fetched:
        landed_row = rows[snapshot.sha256]
        detail = f"unchanged since it landed at {landed_row['retrieved_at']}: not parsed again"
        pulls.append(Pull(snapshot, file.table, landed_row["rows"], detail, file.key))
        record_pull(paths.landing, snapshot, landed_row["rows"], "landed", detail)
    return PullResult(source.name, None, pulls, reloaded=False)


def landed_frames(source: Source, paths: DataPaths) -> dict[str, pd.DataFrame]:
    """Every raw table of ``source`` as the warehouse holds it."""
    with connect(paths.warehouse, read_only=True) as con:
        return {table.table: con.execute(f"select * from {table.table}").df() for table in source.tables}


def published_rows(parsed: ParsedTable, long: bool) -> tuple[pd.DataFrame, list[str]]:
    """The rows that land, and remarks on what was left out or noticed and why."""
    frame, remarks = parsed.frame, []
    if long:
        kept = frame[frame["value"].notna()]
        if len(kept) < len(frame):
            remarks.append(f"{len(frame) - len(kept)} cells with no data ('..' or empty) left out")
        frame = kept
    if parsed.dropped_duplicates:
        shown = parsed.dropped_duplicates
        more = "..." if len(shown) > 5 else ""
        remarks.append(f"{len(shown)} verbatim repeated rows dropped ({', '.join(shown[:5])}{more})")
    if parsed.extra_columns:
        remarks.append(f"extra columns kept as text: {', '.join(parsed.extra_columns)}")
    remarks.extend(parsed.remarks)
    return frame, remarks


def snapshot_of(fetched: FetchedFile, landing: Path) -> Snapshot:
    try:
        return take_snapshot(fetched, landing)
    finally:
        if fetched.temporary:
            fetched.path.unlink(missing_ok=True)


def parse_or_reject(snapshot: Snapshot, landing: Path, parse) -> ParsedTable:
    """Parse a snapshot; on bad input record the rejected pull, then let the error stop the run."""
    try:
        return parse(snapshot.path, snapshot.origin)
    except SourceSchemaError as exc:
        reject(landing, snapshot, exc)


def reject(landing: Path, snapshot: Snapshot, error: SourceSchemaError) -> NoReturn:
    """Record a pull as rejected (its snapshot stays on disk to inspect) and stop with its error."""
    record_pull(landing, snapshot, None, "rejected", str(error))
    error.snapshot = snapshot
    raise error


def land(paths: DataPaths, source: str, frames: dict[str, pd.DataFrame], pulls: list[Pull], loaded_by: str) -> None:
    """Load every table of a source in one transaction, then record each pull as landed."""
    records = [{**vars(p.snapshot), "rows": p.rows, "detail": p.detail, "file_key": p.file_key} for p in pulls]
    load_raw_tables(paths.warehouse, source, frames, records, loaded_by)
    for pull in pulls:
        record_pull(paths.landing, pull.snapshot, pull.rows, "landed", pull.detail)
