"""World Bank WDI in its file layouts: the datahub long CSV, the bulk wide CSV, country metadata.

Every parser returns the same long table, so the warehouse never knows which layout a series
came from except through the recorded ``layout`` and ``vintage`` columns. A series present
in both mirror layouts is read from the newer one only: vintages are never spliced.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ...value_ranges import series_range
from ..errors import SourceSchemaError, SourceUnavailableError
from ..tables import WORLD_BANK_MISSING, Column, ParsedTable, TableSchema, parse_table

SOURCE = "wdi"
OBSERVATION_COLUMNS = [
    "indicator_code",
    "economy_code",
    "economy_name",
    "year",
    "value",
    "layout",
    "vintage",
    "source_file",
    "source_line",
]
ECONOMY_COLUMNS = ["economy_code", "economy_name", "region", "income_group", "vintage", "source_file"]


def long_schema(code: str) -> TableSchema:
    """``Country Name,Country Code,Year,Value``, with the series' valid range on ``Value``."""
    return TableSchema(
        source=SOURCE,
        key=("Country Code", "Year"),
        columns=(
            Column("Country Name", "text"),
            Column("Country Code", "text"),
            Column("Year", "integer"),
            Column("Value", "number", valid=series_range(SOURCE, code)),
        ),
        missing_tokens=WORLD_BANK_MISSING,
        duplicate_rows="drop_identical",
    )


BULK_ID_COLUMNS = ("Country Name", "Country Code", "Indicator Name", "Indicator Code")


def bulk_schema(code: str) -> TableSchema:
    """The bulk file's identifier columns, then one column per year, each in the series' valid range."""
    return TableSchema(
        source=SOURCE,
        key=("Country Code",),
        columns=tuple(Column(name, "text") for name in BULK_ID_COLUMNS),
        missing_tokens=WORLD_BANK_MISSING,
        undeclared_kind="number",  # one column per year
        undeclared_valid=series_range(SOURCE, code),
        duplicate_rows="drop_identical",
    )


METADATA_SCHEMA = TableSchema(
    source=SOURCE,
    key=("Country Code",),
    columns=(
        Column("Country Code", "text"),
        Column("Region", "text"),
        Column("IncomeGroup", "text"),
        Column("TableName", "text"),
        Column("SpecialNotes", "text", required=False),
    ),
)

if TYPE_CHECKING:  # pandas loads on first use, not with the code location
    pass
YEAR = re.compile(r"^\d{4}$")


@dataclass(frozen=True)
class MirrorFile:
    path: Path
    layout: str  # "long" or "bulk"
    vintage: str | None


# ---------------------------------------------------------------- the mirror's two layouts


def locate(code: str, mirror: Path) -> MirrorFile:
    """The file to read for ``code``: the newer of the long and the bulk layout."""
    candidates = []
    long_file = mirror / "wdi" / "indicators" / code.lower() / "data.csv"
    if long_file.is_file():
        candidates.append(MirrorFile(long_file, "long", _datahub_vintage(mirror, code)))
    for bulk_file in sorted((mirror / "worldbank").glob(f"API_{code}_DS2_*.csv")):
        candidates.append(MirrorFile(bulk_file, "bulk", bulk_preamble(bulk_file)[1].get("Last Updated Date")))
    if not candidates:
        raise SourceUnavailableError(
            f"{SOURCE}: the mirror has no file for {code} "
            f"(looked for wdi/indicators/{code.lower()}/data.csv and worldbank/API_{code}_DS2_*.csv under {mirror})"
        )
    return max(candidates, key=lambda c: c.vintage or "")


def locate_metadata(mirror: Path) -> MirrorFile:
    """Country metadata from the newest bulk download (regions are revised between vintages)."""
    found = []
    for meta in sorted((mirror / "worldbank").glob("Metadata_Country_API_*.csv")):
        data = meta.with_name(meta.name.removeprefix("Metadata_Country_"))
        vintage = bulk_preamble(data)[1].get("Last Updated Date") if data.is_file() else None
        found.append(MirrorFile(meta, "bulk", vintage))
    if not found:
        raise SourceUnavailableError(
            f"{SOURCE}: the mirror has no worldbank/Metadata_Country_*.csv under {mirror}: "
            "without the World Bank's own metadata economies cannot be told from aggregates"
        )
    return max(found, key=lambda f: f.vintage or "")


def _datahub_vintage(mirror: Path, code: str) -> str | None:
    manifest = mirror / "wdi" / "MANIFEST.csv"
    if not manifest.is_file():
        return None
    with manifest.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row.get("wdi_code") == code:
                return row.get("last_commit_date") or None
    return None


# ---------------------------------------------------------------- parsers


def bulk_preamble(path: Path) -> tuple[int | None, dict[str, str]]:
    """Line number of the header row (1-based) and the preamble's key-value pairs."""
    facts: dict[str, str] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for number, row in enumerate(csv.reader(handle), start=1):
            cells = [c.strip() for c in row]
            if cells and cells[0] == "Country Name":
                return number, facts
            if len(cells) >= 2 and cells[0]:
                facts[cells[0]] = cells[1]
            if number > 20:
                break
    return None, facts


def parse_long(path: Path, shown: str, code: str, vintage: str | None) -> ParsedTable:
    """``Country Name,Country Code,Year,Value`` (the datahub package layout)."""
    import pandas as pd

    table = parse_table(path, shown, schema=long_schema(code))
    frame = table.frame
    return ParsedTable(
        pd.DataFrame(
            {
                "indicator_code": code,
                "economy_code": frame["Country Code"],
                "economy_name": frame["Country Name"],
                "year": frame["Year"],
                "value": frame["Value"],
                "layout": "long",
                "vintage": vintage,
                "source_file": shown,
                "source_line": frame.index + 2,
            }
        )[OBSERVATION_COLUMNS],
        dropped_duplicates=table.dropped_duplicates,
    )


def parse_bulk(path: Path, shown: str, code: str) -> ParsedTable:
    """The World Bank's wide CSV: a preamble, then one row per economy and one column per year."""
    import pandas as pd

    header_line, facts = bulk_preamble(path)
    if header_line is None:
        raise SourceSchemaError(SOURCE, shown, 'no header row ("Country Name",...) found: the file holds only its preamble')
    table = parse_table(path, shown, schema=bulk_schema(code), header_line=header_line)
    frame = table.frame
    wrong = frame["Indicator Code"].ne(code)
    if wrong.any():
        first = int(wrong.idxmax())
        raise SourceSchemaError(
            SOURCE,
            shown,
            f"holds {frame.at[first, 'Indicator Code']!r}, expected {code!r}",
            column="Indicator Code",
            row=f"row {first + 1} (line {header_line + first + 1})",
        )
    years = [c for c in frame.columns if YEAR.match(str(c))]
    if not years:
        raise SourceSchemaError(SOURCE, shown, "no year columns (1960, 1961, ...) after the identifier columns")
    frame = frame.assign(_line=frame.index + header_line + 1)
    long = frame.melt(id_vars=["Country Code", "Country Name", "_line"], value_vars=years, var_name="year", value_name="value")
    return ParsedTable(
        pd.DataFrame(
            {
                "indicator_code": code,
                "economy_code": long["Country Code"],
                "economy_name": long["Country Name"],
                "year": long["year"].astype("Int64"),
                "value": long["value"],
                "layout": "bulk",
                "vintage": facts.get("Last Updated Date"),
                "source_file": shown,
                "source_line": long["_line"],
            }
        )[OBSERVATION_COLUMNS],
        dropped_duplicates=table.dropped_duplicates,
    )


def parse_metadata(path: Path, shown: str, vintage: str | None) -> ParsedTable:
    """``Metadata_Country_*.csv``: region and income group; aggregates have no region."""
    import pandas as pd

    frame = parse_table(path, shown, schema=METADATA_SCHEMA).frame
    return ParsedTable(
        pd.DataFrame(
            {
                "economy_code": frame["Country Code"],
                "economy_name": frame["TableName"],
                "region": frame["Region"],
                "income_group": frame["IncomeGroup"],
                "vintage": vintage,
                "source_file": shown,
            }
        )[ECONOMY_COLUMNS]
    )
