"""Long statistical tables described by configuration (``statistical_tables.yml`` beside this file).

A yearbook table is a list of (region, year, variable, value, unit) facts; publishers differ
only in column names, and some put one variable per column. The configuration says which
column is which, so one parser serves every such table and every table lands in the same
long shape. Region labels are kept verbatim: cleaning them is dbt's job, against seeds.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING

import requests
import yaml
from pydantic import BaseModel, Field

from ..indicator_systems import PLAIN_NAME
from ..settings import DataSourceChoice
from ..value_ranges import value_ranges
from .errors import ConfigurationError
from .fetch import retrieve
from .source import RawTable, Source, SourceFile
from .tables import Column, ParsedTable, RangesByKey, TableSchema, parse_table

if TYPE_CHECKING:  # pandas loads on first use, not with the code location
    pass

CATALOG = Path(__file__).resolve().parent / "statistical_tables.yml"
SAFE_FILE = re.compile(r"[^/\\]+\.(csv|xlsx|xls)")  # a file in the dataset's folder, never a path
COLUMNS = ["region_label", "year", "variable", "variable_label", "value", "published_unit", "source_file", "source_line"]


@dataclass(frozen=True)
class TableLayout:
    """Which column of a file plays which role (region, year, variable, label, value, unit)."""

    columns: dict[str, str]
    wide: dict[str, dict[str, str]] = field(default_factory=dict)  # variable column -> unit, label

    @property
    def schema_key(self) -> tuple[str, ...]:
        region, year = self.columns["region"], self.columns["year"]
        return (region, year) if self.wide else (region, self.columns["variable"], year)


def table_schema(source: str, layout: TableLayout) -> TableSchema:
    region, year = layout.columns["region"], layout.columns["year"]
    if layout.wide:
        valid = value_ranges(source, "column")
        values = tuple(Column(name, "number", valid=valid[name]) for name in layout.wide)
        return TableSchema(
            source=source,
            key=layout.schema_key,
            duplicate_rows="drop_identical",
            columns=(Column(region, "text"), Column(year, "integer"), *values),
        )
    roles = layout.columns
    return TableSchema(
        source=source,
        key=layout.schema_key,
        duplicate_rows="drop_identical",
        columns=(
            Column(region, "text"),
            Column(year, "integer"),
            Column(roles["variable"], "text"),
            Column(roles["label"], "text", required=False),
            Column(roles["value"], "number"),
            Column(roles["unit"], "text"),
        ),
        # a unit the seeds do not know stops the dbt build with a list; its values are not checked here
        ranges_by_key=RangesByKey(roles["unit"], roles["value"], value_ranges(source, "unit")),
    )


def parse(source: str, layout: TableLayout, path: Path, shown: str) -> ParsedTable:
    """One file as the common long shape."""
    import pandas as pd

    parsed = parse_table(path, shown, schema=table_schema(source, layout))
    frame, roles = parsed.frame, layout.columns
    line = frame.index + 2
    if layout.wide:
        long = frame.assign(_line=line).melt(
            id_vars=[roles["region"], roles["year"], "_line"],
            value_vars=list(layout.wide),
            var_name="variable",
            value_name="value",
        )
        out = pd.DataFrame(
            {
                "region_label": long[roles["region"]],
                "year": long[roles["year"]],
                "variable": long["variable"],
                "variable_label": long["variable"].map({k: v.get("label") for k, v in layout.wide.items()}),
                "value": long["value"],
                "published_unit": long["variable"].map({k: v.get("unit") for k, v in layout.wide.items()}),
                "source_line": long["_line"],
            }
        )
    else:
        out = pd.DataFrame(
            {
                "region_label": frame[roles["region"]],
                "year": frame[roles["year"]],
                "variable": frame[roles["variable"]],
                "variable_label": frame[roles["label"]] if roles["label"] in frame else None,
                "value": frame[roles["value"]],
                "published_unit": frame[roles["unit"]],
                "source_line": line,
            }
        )
    out["source_file"] = shown
    parsed.frame = out[COLUMNS].astype({"source_line": "Int64"})
    return parsed


class StatisticalTableOptions(BaseModel):
    base_url: str | None = Field(default=None, description="Override the base URL of the files (online)")


class StatisticalTable(Source):
    """One dataset of the catalogue: its files, where they live, which column is which."""

    Options = StatisticalTableOptions

    def __init__(
        self,
        name: str,
        title: str,
        citation: str,
        licence: str,
        base_url: str,
        mirror_folder: str,
        files: list[str],
        columns: dict[str, str],
        wide: dict | None = None,
    ):
        self.name, self.title, self.citation, self.licence = name, title, citation, licence
        self.official_url = base_url
        self.mirror_folder = mirror_folder
        self.file_names = tuple(files)
        self.layout = TableLayout(columns, wide or {})
        self.tables = (
            RawTable(
                asset=f"{name}_raw",
                table=f"raw.{name}",
                description=f"{title}, long (region label, year, variable, value, unit) and verbatim. {citation}. "
                f"Licence {licence}.",
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

    def parse(self, path: Path, shown: str) -> ParsedTable:
        return parse(self.name, self.layout, path, shown)

    def files(
        self, choice: DataSourceChoice, session: requests.Session, options: StatisticalTableOptions
    ) -> Iterator[SourceFile]:
        base = (options.base_url or self.official_url).rstrip("/")
        for file in self.file_names:
            yield SourceFile(
                self.tables[0].table,
                partial(retrieve, self.name, f"{base}/{file}", self.mirror_path(file), choice, session),
                self.parse,
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


@cache
def catalog(path: Path = CATALOG) -> dict[str, StatisticalTable]:
    """The configured datasets. Names become table names and file names paths, so both are checked first."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    for name, entry in entries.items():
        if not PLAIN_NAME.fullmatch(str(name)):
            raise ConfigurationError(f"{path.name}: dataset name {name!r} is not a plain name (a-z, 0-9, _)")
        bad = [f for f in entry.get("files", []) if not SAFE_FILE.fullmatch(str(f))]
        if bad:
            raise ConfigurationError(f"{path.name}: dataset {name}: file name {bad[0]!r} is not a plain file name")
    return {name: StatisticalTable(name=name, **entry) for name, entry in entries.items()}
