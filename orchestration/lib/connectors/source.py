"""What every connector offers the ingest assets: the raw tables it lands and the files of a pull.

A connector is a :class:`Source`. Its :meth:`Source.files` lists the files of one pull, each
with how to fetch it (official endpoint or mirror, never silently both) and how to parse it
into a :class:`~.tables.ParsedTable`; :func:`.landing.pull_source` does the rest the same way
for every source (snapshot, parse or reject, keep published values, load all or nothing).
"""

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from pydantic import BaseModel

from ..settings import DataSourceChoice
from .fetch import FetchedFile
from .tables import ParsedTable


@dataclass(frozen=True)
class RawTable:
    """One warehouse table a source lands, and the ingest asset that stands for it."""

    asset: str  # asset key, e.g. "wdi_observations_raw"
    table: str  # warehouse relation, e.g. "raw.wdi_observations"
    description: str
    # Long tables hold one value per row; rows without a value ("..", empty) are left out and counted.
    long: bool = False
    # What an engineer wants to see first in the asset's preview: newest rows, key columns.
    preview_columns: tuple[str, ...] = ()
    preview_order: tuple[str, ...] = ()  # columns sorted descending (e.g. "year")
    # What a pull is compared with the previous pull by (drift.py): units, years, values.
    unit_column: str | None = None
    year_column: str | None = None
    value_column: str | None = None


@dataclass(frozen=True)
class SourceFile:
    """One file of a pull: which raw table it feeds, how to fetch it and how to parse it."""

    table: str
    fetch: Callable[[], FetchedFile]
    parse: Callable[[Path, str], ParsedTable]  # (snapshot path, origin shown in messages)
    key: str  # what the file is, the same online and offline (a series code, a file name): pulls compare by it


class NoOptions(BaseModel):
    """A source without per-run options."""


class Source(ABC):
    """A public source: where it lives, what it lands, how one pull reads it."""

    name: str  # short id used in asset keys, snapshots and messages ("pwt")
    title: str
    citation: str
    licence: str
    official_url: str  # documentation or download address shown in the UI
    tables: tuple[RawTable, ...]
    # Per-run options (pydantic fields); the ingest asset offers them as its run config.
    Options: type[BaseModel] = NoOptions

    @abstractmethod
    def files(self, choice: DataSourceChoice, session: requests.Session, options: BaseModel) -> Iterator[SourceFile]:
        """The files of one pull, fetched lazily in this order."""

    @abstractmethod
    def mirror_files(self, mirror: Path) -> list[Path]:
        """The mirror files a pull reads (the benchmark's plain-pandas baseline reads the same)."""

    def summary(self, table: RawTable, frame) -> dict[str, Any]:  # noqa: ARG002 - overridden by sources with more to say
        """Source-specific facts about a landed table for the asset's metadata (plain values)."""
        return {}

    def table(self, asset: str) -> RawTable:
        return next(t for t in self.tables if t.asset == asset)
