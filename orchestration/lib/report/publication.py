"""Read one publication folder: its manifest and its Parquet tables, nothing else.

Every number in the report comes through here, so the report can only show what this version published.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd


class PublicationError(ValueError):
    """The folder is not a publication the report can read (no manifest, a table missing...)."""


@dataclass(frozen=True)
class SourceVintage:
    """One source of the publication, summarised over the files the pipeline pulled from it."""

    source: str
    files: int
    rows: int
    first_retrieved_at: str
    last_retrieved_at: str
    origins: list[dict[str, Any]]


@dataclass(frozen=True)
class IndicatorSystem:
    system_id: str
    title: str
    geography: str
    description: str
    first_year: int | None
    last_year: int | None


@dataclass
class Publication:
    """A published version: ``manifest.json`` plus ``parquet/*.parquet`` (CSV and DuckDB copies are not read)."""

    directory: Path
    manifest: dict[str, Any]
    _tables: dict[str, pd.DataFrame | None] = field(default_factory=dict, repr=False)

    @classmethod
    def open(cls, directory: Path) -> Publication:
        directory = Path(directory)
        manifest_path = directory / "manifest.json"
        if not manifest_path.is_file():
            raise PublicationError(f"{directory} is not a publication: {manifest_path.name} is missing")
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise PublicationError(f"{manifest_path}: not valid JSON ({error})") from error
        for key in ("version", "tables"):
            if key not in manifest:
                raise PublicationError(f"{manifest_path}: no '{key}' entry")
        return cls(directory=directory, manifest=manifest)

    @property
    def version(self) -> str:
        return str(self.manifest["version"])

    def table_path(self, name: str) -> Path:
        """The table's Parquet file as the manifest lists it; tables the manifest does not list yet
        (e.g. ``mart_nqpf_uncertainty`` before the pipeline publishes it) are looked up by name."""
        entry = self.manifest["tables"].get(name, {})
        relative = entry.get("files", {}).get("parquet", {}).get("path", f"parquet/{name}.parquet")
        return self.directory / relative

    def has_table(self, name: str) -> bool:
        return self.table_path(name).is_file()

    def table(self, name: str) -> pd.DataFrame:
        """A published table, read once. Raises when the publication does not have it."""
        if name not in self._tables:
            path = self.table_path(name)
            if not path.is_file():
                raise PublicationError(f"publication {self.version} has no table {name} ({path} is missing)")
            self._tables[name] = pd.read_parquet(path)
        return self._tables[name]

    def optional_table(self, name: str) -> pd.DataFrame | None:
        return self.table(name) if self.has_table(name) else None

    @cached_property
    def indicator_systems(self) -> list[IndicatorSystem]:
        """Systems in the index table, described by the manifest where it says more."""
        described = self.manifest.get("indicator_systems", {})
        index = self.table("mart_nqpf_index")
        systems = []
        for system_id in sorted(index["system_id"].unique()):
            meta = described.get(system_id, {})
            years = index.loc[index["system_id"] == system_id, "year"]
            systems.append(
                IndicatorSystem(
                    system_id=system_id,
                    title=meta.get("title", system_id),
                    geography=meta.get("geography") or self._geography_of(system_id),
                    description=meta.get("description", ""),
                    first_year=int(years.min()) if len(years) else None,
                    last_year=int(years.max()) if len(years) else None,
                )
            )
        return systems

    def _geography_of(self, system_id: str) -> str:
        """Geography of a system the manifest does not describe, from the geographies of its units."""
        index = self.table("mart_nqpf_index")
        codes = index.loc[index["system_id"] == system_id, "geo_code"].unique()
        geographies = self.table("dim_geographies")
        found = geographies.loc[geographies["geo_code"].isin(codes), "geography"].unique()
        return str(found[0]) if len(found) == 1 else "units"

    @cached_property
    def source_vintages(self) -> list[SourceVintage]:
        by_source: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for entry in self.manifest.get("sources", []):
            by_source[entry.get("source", "?")].append(entry)
        vintages = []
        for source, entries in sorted(by_source.items()):
            retrieved = sorted(str(e.get("retrieved_at", "")) for e in entries)
            vintages.append(
                SourceVintage(
                    source=source,
                    files=len(entries),
                    rows=sum(int(e.get("rows") or 0) for e in entries),
                    first_retrieved_at=retrieved[0],
                    last_retrieved_at=retrieved[-1],
                    origins=sorted(entries, key=lambda e: str(e.get("origin", ""))),
                )
            )
        return vintages

    @property
    def checks_summary(self) -> dict[str, int]:
        checks = self.manifest.get("checks", [])
        passed = sum(1 for check in checks if check.get("passed"))
        return {"total": len(checks), "passed": passed, "failed": len(checks) - passed}
