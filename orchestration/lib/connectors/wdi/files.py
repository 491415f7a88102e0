"""World Bank WDI in its file layouts: the datahub long CSV, the bulk wide CSV, country metadata.

Every parser returns the same long table, so the warehouse never knows which layout a series
came from except through the recorded ``layout`` and ``vintage`` columns. A series present
in both mirror layouts is read from the newer one only: vintages are never spliced.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ...value_ranges import series_range
from ..errors import SourceSchemaError, SourceUnavailableError
from ..tables import WORLD_BANK_MISSING, Column, ParsedTable, TableSchema, decode_text, parse_table

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

YEAR = re.compile(r"^\d{4}$")


@dataclass(frozen=True)
class MirrorFile:
    path: Path
    layout: str  # "long" or "bulk"
    vintage: str | None  # ISO date
    # A file whose preamble could not be read is still fetched, snapshotted and then rejected
    # with this error, so the bad bytes are kept and the pull recorded.
    problem: SourceSchemaError | None = None


# ---------------------------------------------------------------- the mirror's two layouts

MANIFEST_COLUMNS = {
    "folder", "wdi_code", "title", "repo_path", "last_commit", "last_commit_date", "rows_all", "n_countries",
    "year_min", "year_max", "obs_countries_1990_2022", "license",
}  # fmt: skip


def locate(code: str, mirror: Path) -> MirrorFile:
    """The file to read for ``code``: the one of the newer vintage when both layouts hold it."""
    candidates = []
    long_file = mirror / "wdi" / "indicators" / code.lower() / "data.csv"
    if long_file.is_file():
        vintages = datahub_vintages(mirror)
        if code not in vintages:
            raise SourceSchemaError(
                SOURCE, str(mirror / "wdi" / "MANIFEST.csv"), f"lists no vintage for {code}, whose data.csv is in the mirror"
            )
        identity = _datapackage_identity(long_file.with_name("datapackage.json"), code)
        if identity is not None:
            return MirrorFile(long_file, "long", vintages[code], identity)
        candidates.append(MirrorFile(long_file, "long", vintages[code]))
    for bulk_file in sorted((mirror / "worldbank").glob(f"API_{code}_DS2_*.csv")):
        try:
            candidates.append(MirrorFile(bulk_file, "bulk", bulk_vintage(bulk_file, str(bulk_file))))
        except SourceSchemaError as problem:
            return MirrorFile(bulk_file, "bulk", None, problem)
    if not candidates:
        raise SourceUnavailableError(
            f"{SOURCE}: the mirror has no file for {code} "
            f"(looked for wdi/indicators/{code.lower()}/data.csv and worldbank/API_{code}_DS2_*.csv under {mirror})"
        )
    return max(candidates, key=_newest_first)


def locate_metadata(mirror: Path) -> MirrorFile:
    """Country metadata from the newest bulk download (regions are revised between vintages)."""
    found = []
    for meta in sorted((mirror / "worldbank").glob("Metadata_Country_API_*.csv")):
        data = meta.with_name(meta.name.removeprefix("Metadata_Country_"))
        if data.is_file():
            found.append(MirrorFile(meta, "bulk", bulk_vintage(data, str(data))))
    if not found:
        raise SourceUnavailableError(
            f"{SOURCE}: the mirror has no worldbank/Metadata_Country_*.csv (beside its API_*.csv) under {mirror}: "
            "without the World Bank's own metadata economies cannot be told from aggregates"
        )
    return max(found, key=_newest_first)


def _datapackage_identity(package: Path, code: str) -> SourceSchemaError | None:
    """A datapackage.json beside data.csv says which indicator the folder holds: it must be ``code``."""
    if not package.is_file():
        return None
    try:
        held = json.loads(decode_text(package.read_bytes(), SOURCE, str(package))).get("worldbank", {}).get("indicator", "")
    except (ValueError, AttributeError):
        return SourceSchemaError(SOURCE, str(package), "is not a JSON datapackage with worldbank.indicator")
    if str(held).upper() != code:
        return SourceSchemaError(
            SOURCE, str(package), f"describes indicator {held!r}, expected {code!r}", column="worldbank.indicator"
        )
    return None


def reject(path: Path, shown: str, problem: SourceSchemaError) -> ParsedTable:
    """The parser of a file found unusable before it was fetched: it is kept and recorded, then rejected."""
    raise problem


def _newest_first(file: MirrorFile) -> str:
    """Sort key of vintages (ISO dates, so text order is date order); an unknown vintage comes last."""
    return file.vintage or ""


def datahub_vintages(mirror: Path) -> dict[str, str]:
    """``wdi/MANIFEST.csv``: the snapshot date of each series of the long layout, every line checked."""
    manifest = mirror / "wdi" / "MANIFEST.csv"
    shown = str(manifest)
    if not manifest.is_file():
        raise SourceSchemaError(
            SOURCE, shown, "is missing: without it the vintage of the series in wdi/indicators/ cannot be told"
        )
    text = decode_text(manifest.read_bytes(), SOURCE, shown)
    rows = list(csv.reader(text.splitlines()))
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise SourceSchemaError(SOURCE, shown, "the file is empty")
    header = [cell.strip() for cell in rows[0]]
    missing = [c for c in ("wdi_code", "last_commit_date") if c not in header]
    if missing:
        raise SourceSchemaError(SOURCE, shown, f"required column(s) missing: {', '.join(missing)}", column=missing[0])
    unknown = [c for c in header if c not in MANIFEST_COLUMNS]
    if unknown:
        raise SourceSchemaError(SOURCE, shown, f"unknown column(s): {', '.join(unknown)}", column=unknown[0], row="line 1")
    if len(rows) < 2:
        raise SourceSchemaError(SOURCE, shown, "the file has a header but no series")
    code_at, date_at = header.index("wdi_code"), header.index("last_commit_date")
    vintages = {}
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise SourceSchemaError(SOURCE, shown, f"{len(row)} fields where the header has {len(header)}", row=f"line {line}")
        vintages[row[code_at].strip()] = iso_date(row[date_at], shown, "last_commit_date", f"line {line}")
    return vintages


def iso_date(text: str, shown: str, column: str, row: str) -> str:
    """A vintage as an ISO date (YYYY-MM-DD). Vintages decide which file wins, so they are compared
    as dates, never as text ('24/02/2025' would sort after '2026-02-24')."""
    try:
        return date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise SourceSchemaError(SOURCE, shown, f"{text!r} is not a date (YYYY-MM-DD)", column=column, row=row) from None


# ---------------------------------------------------------------- parsers


def bulk_preamble(path: Path, shown: str | None = None) -> tuple[int | None, dict[str, tuple[str, int]]]:
    """Line number of the header row (1-based) and the preamble's key -> (value, line)."""
    facts: dict[str, tuple[str, int]] = {}
    text = decode_text(path.read_bytes(), SOURCE, shown or str(path))
    for number, row in enumerate(csv.reader(text.splitlines()[:25]), start=1):
        cells = [c.strip() for c in row]
        if cells and cells[0] == "Country Name":
            return number, facts
        if len(cells) >= 2 and cells[0]:
            facts[cells[0]] = (cells[1], number)
    return None, facts


def bulk_vintage(path: Path, shown: str) -> str | None:
    """The bulk file's ``Last Updated Date`` as an ISO date; None when it has no preamble (some downloads)."""
    _, facts = bulk_preamble(path, shown)
    if "Last Updated Date" not in facts:
        return None
    value, line = facts["Last Updated Date"]
    return iso_date(value, shown, "Last Updated Date", f"line {line}")


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
        remarks=table.remarks,
    )


def parse_bulk(path: Path, shown: str, code: str) -> ParsedTable:
    """The World Bank's wide CSV: a preamble, then one row per economy and one column per year."""
    import pandas as pd

    header_line, _ = bulk_preamble(path, shown)
    if header_line is None:
        raise SourceSchemaError(SOURCE, shown, 'no header row ("Country Name",...) found: the file holds only its preamble')
    vintage = bulk_vintage(path, shown)
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
                "vintage": vintage,
                "source_file": shown,
                "source_line": long["_line"],
            }
        )[OBSERVATION_COLUMNS],
        dropped_duplicates=table.dropped_duplicates,
        remarks=table.remarks,
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
