"""Long statistical tables described by configuration (``orchestration/statistical_tables.yml``).

A yearbook table is a list of (region, year, variable, value, unit) facts; publishers differ
only in column names, and some put one variable per column. The configuration says which
column is which, so one parser serves every such table and every table lands in the same
long shape. Region labels are kept verbatim: cleaning them is dbt's job, against seeds.
"""

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd
import yaml

from .tables import Column, TableSchema, read_table

CATALOG = Path(__file__).resolve().parent.parent / "statistical_tables.yml"
COLUMNS = ["region_label", "year", "variable", "variable_label", "value", "unit", "_file", "_line"]


@dataclass(frozen=True)
class StatisticalTable:
    name: str
    title: str
    citation: str
    licence: str
    base_url: str
    mirror_folder: str
    files: tuple[str, ...]
    columns: dict[str, str]  # role (region, year, variable, label, value, unit) -> column in the file
    wide: dict[str, dict[str, str]] = field(default_factory=dict)  # variable column -> unit, label

    def url(self, file: str) -> str:
        return f"{self.base_url.rstrip('/')}/{file}"

    def mirror_path(self, file: str) -> str:
        return f"{self.mirror_folder}/{file}"

    @property
    def warehouse_table(self) -> str:
        return f"raw.{self.name}"

    @property
    def schema(self) -> TableSchema:
        region, year = self.columns["region"], self.columns["year"]
        if self.wide:
            values = tuple(Column(name, "number") for name in self.wide)
            return TableSchema(source=self.name, key=(region, year), duplicate_rows="drop_identical",
                               columns=(Column(region, "text"), Column(year, "integer"), *values))
        roles = self.columns
        return TableSchema(
            source=self.name,
            key=(region, roles["variable"], year),
            duplicate_rows="drop_identical",
            columns=(Column(region, "text"), Column(year, "integer"), Column(roles["variable"], "text"),
                     Column(roles["label"], "text", required=False), Column(roles["value"], "number"),
                     Column(roles["unit"], "text")),
        )


@cache
def catalog(path: Path = CATALOG) -> dict[str, StatisticalTable]:
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {
        name: StatisticalTable(name=name, files=tuple(entry.pop("files")), **entry)
        for name, entry in entries.items()
    }


def parse(table: StatisticalTable, path: Path, shown: str) -> tuple[pd.DataFrame, list[str]]:
    """One file of ``table`` as the common long shape, and the verbatim repeats dropped."""
    conformed = read_table(path, shown, schema=table.schema)
    frame, roles = conformed.frame, table.columns
    line = frame.index + 2
    if table.wide:
        long = frame.assign(_line=line).melt(id_vars=[roles["region"], roles["year"], "_line"],
                                             value_vars=list(table.wide), var_name="variable", value_name="value")
        out = pd.DataFrame({
            "region_label": long[roles["region"]],
            "year": long[roles["year"]],
            "variable": long["variable"],
            "variable_label": long["variable"].map({k: v.get("label") for k, v in table.wide.items()}),
            "value": long["value"],
            "unit": long["variable"].map({k: v.get("unit") for k, v in table.wide.items()}),
            "_line": long["_line"],
        })
    else:
        out = pd.DataFrame({
            "region_label": frame[roles["region"]],
            "year": frame[roles["year"]],
            "variable": frame[roles["variable"]],
            "variable_label": frame[roles["label"]] if roles["label"] in frame else None,
            "value": frame[roles["value"]],
            "unit": frame[roles["unit"]],
            "_line": line,
        })
    out["_file"] = shown
    return out[COLUMNS].astype({"_line": "Int64"}), conformed.dropped_duplicates
