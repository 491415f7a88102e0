"""From fetched bytes to landed tables: snapshot, parse (or reject), then load all or nothing."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pandas as pd
from dagster import Failure

from ..resources import DataDirResource
from ..warehouse import load_raw_tables
from .errors import SourceSchemaError
from .fetch import FetchedFile
from .snapshots import Snapshot, record_pull, take_snapshot

Parsed = TypeVar("Parsed")


@dataclass
class Pull:
    """One file of a source as it will be recorded: its snapshot, rows kept and remarks."""

    snapshot: Snapshot
    rows: int
    detail: str = ""


def published_values(snapshot: Snapshot, frame: pd.DataFrame, dropped: list[str]) -> tuple[pd.DataFrame, Pull]:
    """The rows of a parsed long file that carry a value, and its pull with what was left out and why."""
    kept = frame[frame["value"].notna()]
    remarks = []
    if len(frame) > len(kept):
        remarks.append(f"{len(frame) - len(kept)} cells with no data ('..' or empty) left out")
    if dropped:
        more = "..." if len(dropped) > 5 else ""
        remarks.append(f"{len(dropped)} verbatim repeated rows dropped ({', '.join(dropped[:5])}{more})")
    return kept, Pull(snapshot, len(kept), "; ".join(remarks))


def snapshot_of(fetched: FetchedFile, data_dir: DataDirResource) -> Snapshot:
    try:
        return take_snapshot(fetched, data_dir.paths.landing)
    finally:
        if fetched.temporary:
            fetched.path.unlink(missing_ok=True)


def parse_or_reject(snapshot: Snapshot, data_dir: DataDirResource, parse: Callable[[Path, str], Parsed]) -> Parsed:
    """Parse a snapshot (``parse(path, origin)``); on bad input record the rejected pull and stop the run."""
    try:
        return parse(snapshot.path, snapshot.origin)
    except SourceSchemaError as exc:
        record_pull(data_dir.paths.landing, snapshot, None, "rejected", str(exc))
        raise Failure(description=str(exc), allow_retries=False,
                      metadata={"snapshot": snapshot.snapshot, "sha256": snapshot.sha256}) from exc


def land(data_dir: DataDirResource, source: str, tables: Mapping[str, pd.DataFrame], pulls: list[Pull]) -> None:
    """Load every table of a source in one transaction, then record each pull as landed."""
    records = [{**vars(p.snapshot), "rows": p.rows, "detail": p.detail} for p in pulls]
    with data_dir.warehouse() as con:
        load_raw_tables(con, source, tables, records)
    for pull in pulls:
        record_pull(data_dir.paths.landing, pull.snapshot, pull.rows, "landed", pull.detail)
