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
