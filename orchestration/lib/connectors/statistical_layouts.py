"""The table layouts statistical publishers use, each parsed into the common long shape.

Every layout ends as rows of (region label, region code, year, variable, label, value, unit,
file, line); the configuration (``statistical_tables.yml``) says which layout a dataset has
and which column or cell plays which part:

- ``long``: one fact per row (techme; CEADs, where the variable and unit are constants);
- ``wide``: one column per variable, units given in the configuration (CHNCapitalStock);
- ``wide_units_in_header``: one column per variable, the unit the last parenthesis of the
  header, e.g. ``地区生产总值(亿元)`` (the NBS provincial tables);
- ``nbs_export``: the NBS website's export: three preamble lines (``数据库：``, ``指标：``,
  ``时间：``), a header ``地区,2024年,2023年,...``, one row per region, footnotes at the end;
- ``workbook_sheet``: one sheet of a workbook, regions down the first column, years across
  the first row, the unit in the corner cell.

What goes wrong in such files stops the parse with file, column and line: an indicator line
other than the configured one (a different series), a preamble that changed, a year header
that is not a year, a header row repeated inside the data, a footnote that parses as data, a
missing sheet.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import SourceSchemaError
from .tables import Column, ParsedTable, RangesByKey, TableSchema, conform, decode_text, parse_table

COLUMNS = [
    "region_label",
    "region_code",
    "year",
    "variable",
    "variable_label",
    "value",
    "published_unit",
    "source_file",
    "source_line",
]
LAYOUTS = ("long", "wide", "wide_units_in_header", "nbs_export", "workbook_sheet")
UNIT_IN_HEADER = re.compile(r"^(?P<label>.*)\((?P<unit>[^()]*)\)$")  # the last parenthesis is the unit
EXPORT_YEAR = re.compile(r"^(?P<year>\d{4})年$")
EXPORT_PREAMBLE = ("数据库：", "指标：", "时间：")
EXPORT_FOOTNOTES = ("注：", "数据来源：", "　")  # notes, the source line, and a note's indented continuation
YEARS = (1949, 2100)


@dataclass(frozen=True)
class Layout:
    """One dataset's layout, from the catalogue: which column (or cell) is which."""

    kind: str
    columns: dict[str, str]
    wide: dict[str, dict[str, str]] = field(default_factory=dict)  # wide: variable column -> unit, label
    constants: dict[str, str] = field(default_factory=dict)  # long: variable, unit, label when not columns
    encoding: str = "utf-8"

    @property
    def schema_key(self) -> tuple[str, ...]:
        region, year = self.columns["region"], self.columns["year"]
        if self.kind == "long" and "variable" in self.columns:
            return (region, self.columns["variable"], year)
        return (region, year)


@dataclass(frozen=True)
class FileSpec:
    """What one file of a dataset holds, when the layout needs per-file settings."""

    variables: dict[str, str] = field(default_factory=dict)  # wide_units_in_header: header label -> variable id
    indicator: str | None = None  # nbs_export: the 指标 line the file must carry
    variable: str | None = None  # nbs_export, workbook_sheet: the variable id it lands as
    sheet: str | None = None  # workbook_sheet


def parse(source: str, layout: Layout, spec: FileSpec, ranges: dict, path: Path, shown: str) -> ParsedTable:
    """One file as the common long shape (``ranges``: valid range per published unit, or per column for ``wide``)."""
    parsers = {
        "long": _long,
        "wide": _wide,
        "wide_units_in_header": _wide_units_in_header,
        "nbs_export": _nbs_export,
        "workbook_sheet": _workbook_sheet,
    }
    return parsers[layout.kind](source, layout, spec, ranges, path, shown)


def _long_frame(parsed: ParsedTable, rows: dict[str, object], shown: str) -> ParsedTable:
    """The common shape from per-column values (Series or constants) and the file's line numbers."""
    import pandas as pd

    frame = pd.DataFrame({name: rows.get(name) for name in COLUMNS if name not in ("source_file",)})
    frame["source_file"] = shown
    # text even when a layout has no region codes, so every dataset lands with the same column types
    parsed.frame = frame[COLUMNS].astype({"source_line": "Int64", "year": "Int64", "region_code": "str"})
    return parsed


def _long(source: str, layout: Layout, spec: FileSpec, ranges: dict, path: Path, shown: str) -> ParsedTable:
    roles, constants = layout.columns, layout.constants
    value_column = roles["value"]
    unit_column = roles.get("unit")
    columns = [Column(roles["region"], "text"), Column(roles["year"], "integer", valid=YEARS)]
    columns += [Column(roles[r], "text") for r in ("variable", "unit") if r in roles]
    columns.append(Column(value_column, "number", valid=ranges.get(constants.get("unit", "")) if not unit_column else None))
    if "label" in roles:
        columns.append(Column(roles["label"], "text", required=False))
    schema = TableSchema(
        source=source,
        key=layout.schema_key,
        duplicate_rows="drop_identical",
        columns=tuple(columns),
        # a unit the seeds do not know stops the dbt build with a list; its values are not checked here
        ranges_by_key=RangesByKey(unit_column, value_column, ranges) if unit_column else None,
        encoding=layout.encoding,
    )
    parsed = parse_table(path, shown, schema=schema)
    frame = parsed.frame
    return _long_frame(
        parsed,
        {
            "region_label": frame[roles["region"]],
            "region_code": frame[roles["region_code"]] if "region_code" in roles else None,
            "year": frame[roles["year"]],
            "variable": frame[roles["variable"]] if "variable" in roles else constants["variable"],
            "variable_label": frame[roles["label"]] if roles.get("label") in frame else constants.get("label"),
            "value": frame[value_column],
            "published_unit": frame[unit_column] if unit_column else constants["unit"],
            "source_line": frame.index + 2,
        },
        shown,
    )


def _melt(parsed: ParsedTable, layout: Layout, variables: dict[str, tuple[str, str, str]], shown: str, first_line: int):
    """Wide rows to long: ``variables`` maps a column to (variable id, unit, label)."""
    roles = layout.columns
    frame = parsed.frame.assign(_line=parsed.frame.index + first_line)
    id_vars = [roles["region"], roles["year"], "_line"] + ([roles["region_code"]] if "region_code" in roles else [])
    long = frame.melt(id_vars=id_vars, value_vars=list(variables), var_name="_column", value_name="value")
    return _long_frame(
        parsed,
        {
            "region_label": long[roles["region"]],
            "region_code": long[roles["region_code"]] if "region_code" in roles else None,
            "year": long[roles["year"]],
            "variable": long["_column"].map({c: v[0] for c, v in variables.items()}),
            "variable_label": long["_column"].map({c: v[2] for c, v in variables.items()}),
            "value": long["value"],
            "published_unit": long["_column"].map({c: v[1] for c, v in variables.items()}),
            "source_line": long["_line"],
        },
        shown,
    )


def _region_and_year(layout: Layout) -> list[Column]:
    roles = layout.columns
    columns = [Column(roles["region"], "text"), Column(roles["year"], "integer", valid=YEARS)]
    if "region_code" in roles:
        columns.append(Column(roles["region_code"], "text"))
    return columns


def _wide(source: str, layout: Layout, spec: FileSpec, ranges: dict, path: Path, shown: str) -> ParsedTable:
    schema = TableSchema(
        source=source,
        key=layout.schema_key,
        duplicate_rows="drop_identical",
        columns=(*_region_and_year(layout), *(Column(name, "number", valid=ranges[name]) for name in layout.wide)),
        encoding=layout.encoding,
    )
    parsed = parse_table(path, shown, schema=schema)
    variables = {c: (c, v.get("unit"), v.get("label")) for c, v in layout.wide.items()}
    return _melt(parsed, layout, variables, shown, first_line=2)


def _wide_units_in_header(source: str, layout: Layout, spec: FileSpec, ranges: dict, path: Path, shown: str) -> ParsedTable:
    """NBS provincial tables: ``省份编码,省份,年份,<label>(<unit>),...``; the configured labels land."""
    # the text once, for the header and the repeated-header check (parse_table reads the table itself)
    rows = list(csv.reader(io.StringIO(decode_text(path.read_bytes(), source, shown, layout.encoding))))
    header = [name.strip() for name in rows[0]] if rows else []
    units = {}
    for name in header:
        match = UNIT_IN_HEADER.match(name.strip())
        if match and match["label"] in spec.variables:
            units[name.strip()] = (spec.variables[match["label"]], match["unit"], match["label"])
    missing = [label for label in spec.variables if label not in {v[2] for v in units.values()}]
    if missing:
        raise SourceSchemaError(source, shown, f"no column {missing[0]!r} (with its unit in parentheses)", column=missing[0])
    unknown_units = [unit for _, unit, _ in units.values() if unit not in ranges]
    if unknown_units:
        raise SourceSchemaError(
            source,
            shown,
            f"unit {unknown_units[0]!r} has no valid range in the seed source_value_ranges.csv",
            column=unknown_units[0],
        )
    schema = TableSchema(
        source=source,
        key=layout.schema_key,
        duplicate_rows="drop_identical",
        columns=(*_region_and_year(layout), *(Column(c, "number", valid=ranges[u]) for c, (_, u, _) in units.items())),
        encoding=layout.encoding,
    )
    for number, row in enumerate(rows[1:], start=2):
        if [cell.strip() for cell in row] == header:
            raise SourceSchemaError(
                source, shown, "the header row is repeated inside the data (a second header)", row=f"line {number}"
            )
    parsed = parse_table(path, shown, schema=schema)
    return _melt(parsed, layout, units, shown, first_line=2)


def _nbs_export(source: str, layout: Layout, spec: FileSpec, ranges: dict, path: Path, shown: str) -> ParsedTable:
    """The NBS website's export: preamble, wide years (``2024年``), footnotes kept as remarks."""
    import pandas as pd

    text = decode_text(path.read_bytes(), source, shown, layout.encoding)
    lines = text.splitlines()
    for number, prefix in enumerate(EXPORT_PREAMBLE, start=1):
        if len(lines) < number or not lines[number - 1].startswith(prefix):
            found = lines[number - 1] if len(lines) >= number else "(nothing)"
            raise SourceSchemaError(
                source,
                shown,
                f"the preamble changed: expected a line starting {prefix!r}, found {found[:60]!r}",
                row=f"line {number}",
            )
    indicator = lines[1].removeprefix("指标：").strip()
    if indicator != spec.indicator:
        raise SourceSchemaError(source, shown, f"holds {indicator!r}, expected {spec.indicator!r}", column="指标", row="line 2")
    unit_match = UNIT_IN_HEADER.match(indicator)
    unit = unit_match["unit"] if unit_match else ""
    if unit not in ranges:
        raise SourceSchemaError(
            source, shown, f"unit {unit!r} has no valid range in the seed source_value_ranges.csv", row="line 2"
        )
    header_line = 4
    header = next(csv.reader([lines[header_line - 1]])) if len(lines) >= header_line else []
    region = layout.columns["region"]
    if not header or header[0].strip() != region:
        raise SourceSchemaError(source, shown, f"the header does not start with {region!r}", row=f"line {header_line}")
    years = {}
    for name in (h.strip() for h in header[1:]):
        if not name:
            continue
        match = EXPORT_YEAR.match(name)
        if not match:
            raise SourceSchemaError(
                source, shown, f"the column {name!r} is not a year (YYYY年)", column=name, row=f"line {header_line}"
            )
        years[name] = int(match["year"])
    # the data run until the first footnote; whatever follows must be footnotes too
    end = next((i for i in range(header_line, len(lines)) if lines[i].startswith(EXPORT_FOOTNOTES[:2])), len(lines))
    for i in range(end, len(lines)):
        if lines[i].strip() and not lines[i].startswith(EXPORT_FOOTNOTES):
            raise SourceSchemaError(
                source,
                shown,
                f"after the footnotes, a line that is neither a footnote nor blank: {lines[i][:60]!r}",
                row=f"line {i + 1}",
            )
    footnotes = [line.strip() for line in lines[end:] if line.strip()]
    body = "\n".join(lines[header_line - 1 : end]) + "\n"
    columns = (Column(region, "text"), *(Column(name, "number", valid=ranges[unit]) for name in years))
    schema = TableSchema(source=source, key=(region,), columns=columns, duplicate_rows="drop_identical")
    raw = pd.read_csv(io.StringIO(body), dtype=str, keep_default_na=False)
    raw = raw.loc[:, [c for c in raw.columns if not str(c).startswith("Unnamed")]]
    parsed = conform(raw, schema, shown, "csv", header_line=header_line)
    parsed.remarks.extend(f"footnote: {note}" for note in footnotes)
    label = unit_match["label"] if unit_match else indicator
    return _years_across(parsed, region, years, header_line + 1, spec.variable, label, unit, shown)


def _workbook_sheet(source: str, layout: Layout, spec: FileSpec, ranges: dict, path: Path, shown: str) -> ParsedTable:
    """One sheet: regions down the first column, years across the first row, the unit in the corner."""
    import openpyxl
    import pandas as pd

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a file that is not a workbook
        raise SourceSchemaError(source, shown, f"cannot be read as a workbook: {exc}") from exc
    try:
        if spec.sheet not in workbook.sheetnames:
            names = ", ".join(map(repr, workbook.sheetnames[:12])) + (", ..." if len(workbook.sheetnames) > 12 else "")
            raise SourceSchemaError(source, shown, f"has no sheet {spec.sheet!r} (sheets: {names})", column=spec.sheet)
        rows = list(workbook[spec.sheet].iter_rows(values_only=True))
    finally:
        workbook.close()
    corner, *year_cells = rows[0]
    unit = str(corner).strip() if corner is not None else ""
    if unit not in ranges:
        raise SourceSchemaError(
            source,
            shown,
            f"unit {unit!r} (the corner cell) has no valid range in the seed source_value_ranges.csv",
            column=spec.sheet,
            row="sheet row 1",
        )
    years = {}
    for offset, cell in enumerate(year_cells, start=2):
        if cell is None:
            continue
        if not re.fullmatch(r"\d{4}", str(cell).strip().removesuffix(".0")):
            raise SourceSchemaError(
                source,
                shown,
                f"the column header {cell!r} is not a year",
                column=f"{spec.sheet} column {offset}",
                row="sheet row 1",
            )
        years[f"c{offset}"] = int(str(cell).strip().removesuffix(".0"))
    region = layout.columns["region"]
    names = [region, *years]
    data = [[None if v is None else str(v) for v in row[: len(names)]] for row in rows[1:] if any(v is not None for v in row)]
    raw = pd.DataFrame(data, columns=names)
    schema = TableSchema(
        source=source,
        key=(region,),
        columns=(Column(region, "text"), *(Column(c, "number", valid=ranges[unit]) for c in years)),
    )
    parsed = conform(raw, schema, shown, "excel", header_line=1)
    return _years_across(parsed, region, years, 2, spec.variable, spec.sheet.strip(), unit, shown)


def _years_across(
    parsed: ParsedTable, region: str, years: dict[str, int], first_line: int, variable: str, label: str, unit: str, shown: str
) -> ParsedTable:
    """A table of one variable with regions down and years across (``years``: column -> year) in the long shape."""
    frame = parsed.frame.assign(_line=parsed.frame.index + first_line)
    long = frame.melt(id_vars=[region, "_line"], value_vars=list(years), var_name="_year", value_name="value")
    return _long_frame(
        parsed,
        {
            "region_label": long[region],
            "region_code": None,
            "year": long["_year"].map(years),
            "variable": variable,
            "variable_label": label,
            "value": long["value"],
            "published_unit": unit,
            "source_line": long["_line"],
        },
        shown,
    )
