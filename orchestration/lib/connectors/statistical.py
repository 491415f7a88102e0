"""Statistical tables described by configuration (``statistical_tables.yml`` beside this file).

A yearbook table is a list of (region, year, variable, value, unit) facts; publishers differ
in column names, in putting one variable per column or one year per column, in preambles and
encodings. The configuration says which layout a dataset has (``statistical_layouts``) and
which column is which, so one connector serves every such table and every table lands in the
same long shape. Region labels are kept verbatim: cleaning them is dbt's job, against seeds.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import requests
import yaml
from pydantic import BaseModel, Field

from ..indicator_systems import PLAIN_NAME
from ..settings import DataSourceChoice
from ..value_ranges import value_ranges
from .errors import ConfigurationError
from .fetch import retrieve
from .source import RawTable, Source, SourceFile
from .statistical_layouts import COLUMNS, LAYOUTS, FileSpec, Layout, parse
from .tables import ParsedTable

CATALOG = Path(__file__).resolve().parent / "statistical_tables.yml"
# a file in the dataset's folder or a subfolder of it, never an absolute path or a way out of it
SAFE_FILE = re.compile(r"(?!/)(?!.*(^|/)\.\.(/|$))[^\\]+\.(csv|xlsx)")

__all__ = ["COLUMNS", "StatisticalTable", "catalog"]


class StatisticalTableOptions(BaseModel):
    base_url: str | None = Field(default=None, description="Override the base URL of the files (online)")


class StatisticalTable(Source):
    """One dataset of the catalogue: its files, where they live, their layout."""

    Options = StatisticalTableOptions

    def __init__(
        self,
        name: str,
        title: str,
        citation: str,
        licence: str,
        base_url: str,
        mirror_folder: str,
        files: list[str] | dict[str, dict],
        columns: dict[str, str],
        layout: str | None = None,
        wide: dict | None = None,
        constants: dict | None = None,
        encoding: str = "utf-8",
        vintage: str | None = None,
    ):
        self.name, self.title, self.citation, self.licence = name, title, citation, licence
        self.official_url = base_url
        self.mirror_folder = mirror_folder
        self.vintage = vintage
        kind = layout or ("wide" if wide else "long")
        self.layout = Layout(kind, columns, wide or {}, constants or {}, encoding)
        listed = files if isinstance(files, dict) else dict.fromkeys(files)
        self.specs = {file: _file_spec(kind, spec) for file, spec in listed.items()}
        self.file_names = tuple(self.specs)
        # valid ranges: per variable column of a wide table, else per published unit
        self.ranges = value_ranges(name, "column" if kind == "wide" else "unit")
        self.tables = (
            RawTable(
                asset=f"{name}_raw",
                table=f"raw.{name}",
                description=f"{title}, long (region label, year, variable, value, unit) and verbatim. {citation}. "
                f"Licence {licence}." + (f" Vintage: {vintage}." if vintage else ""),
                long=True,
                preview_columns=("region_label", "year", "variable", "value", "published_unit"),
                preview_order=("year",),
                unit_column="region_label",
                year_column="year",
                value_column="value",
            ),
        )

    def mirror_path(self, file: str) -> str:
        return f"{self.mirror_folder}/{file}"

    def parse(self, path: Path, shown: str, file: str | None = None) -> ParsedTable:
        spec = self.specs.get(file or Path(shown).name) or self.specs.get(_spec_key(shown, self.specs)) or FileSpec()
        return parse(self.name, self.layout, spec, self.ranges, path, shown)

    def files(
        self, choice: DataSourceChoice, session: requests.Session, options: StatisticalTableOptions
    ) -> Iterator[SourceFile]:
        base = (options.base_url or self.official_url).rstrip("/")
        for file in self.file_names:
            yield SourceFile(
                self.tables[0].table,
                lambda file=file: retrieve(self.name, f"{base}/{file}", self.mirror_path(file), choice, session),
                lambda path, shown, file=file: self.parse(path, shown, file),
                file,
            )

    def mirror_files(self, mirror: Path) -> list[Path]:
        return [mirror / self.mirror_path(file) for file in self.file_names]

    def summary(self, table: RawTable, frame) -> dict:
        units = frame.groupby("published_unit", dropna=False).size().rename("values").reset_index()
        return {
            "variables": int(frame["variable"].nunique()),
            "region_labels": int(frame["region_label"].nunique()),
            "years": f"{frame['year'].min()}-{frame['year'].max()}",
            "units": units.to_markdown(index=False),
        }


def _spec_key(shown: str, specs: dict[str, FileSpec]) -> str | None:
    """The configured file a shown path (mirror path or URL) stands for."""
    return next((file for file in specs if shown.endswith(file)), None)


def _file_spec(kind: str, entry: dict | None) -> FileSpec:
    entry = entry or {}
    if kind == "wide_units_in_header":
        return FileSpec(variables={str(k): str(v) for k, v in entry.items()})
    return FileSpec(indicator=entry.get("indicator"), variable=entry.get("variable"), sheet=entry.get("sheet"))


@cache
def catalog(path: Path = CATALOG) -> dict[str, StatisticalTable]:
    """The configured datasets. Names become table names, file names paths and variables codes, so all are checked first."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    for name, entry in entries.items():
        if not PLAIN_NAME.fullmatch(str(name)):
            raise ConfigurationError(f"{path.name}: dataset name {name!r} is not a plain name (a-z, 0-9, _)")
        files = entry.get("files", [])
        bad = [f for f in files if not SAFE_FILE.fullmatch(str(f))]
        if bad:
            raise ConfigurationError(f"{path.name}: dataset {name}: file name {bad[0]!r} is not a plain file name")
        layout = entry.get("layout") or ("wide" if entry.get("wide") else "long")
        if layout not in LAYOUTS:
            raise ConfigurationError(f"{path.name}: dataset {name}: unknown layout {layout!r} (known: {', '.join(LAYOUTS)})")
        encoding = entry.get("encoding", "utf-8")
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise ConfigurationError(f"{path.name}: dataset {name}: unknown encoding {encoding!r}") from None
        variables = [v for spec in (files.values() if isinstance(files, dict) else []) for v in _variables(spec)]
        bad = [v for v in variables if not PLAIN_NAME.fullmatch(str(v))]
        if bad:
            raise ConfigurationError(f"{path.name}: dataset {name}: variable {bad[0]!r} is not a plain name (a-z, 0-9, _)")
    return {name: StatisticalTable(name=name, **entry) for name, entry in entries.items()}


def _variables(spec: dict | None) -> list[str]:
    if not spec:
        return []
    if "variable" in spec or "sheet" in spec or "indicator" in spec:
        return [spec["variable"]] if spec.get("variable") else []
    return list(spec.values())
