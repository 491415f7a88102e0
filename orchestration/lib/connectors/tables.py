"""Read a rectangular source file (CSV, Excel, Stata) into one typed table, checking its schema.

One code path for every format: every cell is read as text (CSV by Arrow's parser, workbooks
and Stata files by pandas), then ``conform`` types each declared column and reports the first
offending row in terms a person can find in the file (line of a CSV, row of a sheet,
observation of a .dta).

What a hostile or broken file can do, and what happens:
- bytes that are not valid in the declared encoding: stop, naming the first bad byte's offset
  and line (and the encoding the bytes look like);
- a CSV that ends inside a row (no line break after its last line: a cut-off download), or a
  row with too few or too many fields: stop, naming the line;
- text a tool writes for "no number" (``NaN``, ``NA``, ``null``...) where the publisher writes
  something else: read as missing, counted in a remark that names the column and first row;
- ``inf`` or a number beyond double precision: stop (a non-finite value is never a figure);
- a value outside the column's or series' valid range: stop, naming file, column, row, value.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import SourceSchemaError

if TYPE_CHECKING:  # pandas loads on first use, not with the code location
    import pandas as pd

# The publisher's own "not published" markers, read as missing without a remark (each schema
# says which ones its publisher uses). Anything else in a numeric column must be a number.
MISSING_TOKENS = frozenset({""})
WORLD_BANK_MISSING = frozenset({"", ".."})  # the World Bank writes ".." for "no data"
# What software writes for a missing number (pandas, R, JSON): read as missing too, but counted in a remark,
# because a publisher who does not use them did not write them.
NOT_A_NUMBER_TOKENS = frozenset({"nan", "na", "null", "none"})


@dataclass(frozen=True)
class Column:
    name: str  # as the publisher writes it (messages name the file's own column)
    kind: str  # "text", "integer" or "number"
    required: bool = True
    landed_as: str | None = None  # the name it lands under, when the pipeline's name differs
    valid: tuple[float, float] | None = None  # the range a value must lie in (numbers only)


@dataclass(frozen=True)
class RangesByKey:
    """Valid ranges of a long table's value column, by the value of another column (e.g. the unit)."""

    key_column: str
    value_column: str
    ranges: dict[str, tuple[float, float]]


@dataclass(frozen=True)
class TableSchema:
    """What the pipeline relies on in a source table. Undeclared columns are kept as text."""

    source: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    excel_sheet: str | None = None
    missing_tokens: frozenset[str] = MISSING_TOKENS
    undeclared_kind: str = "text"  # kind of columns the schema does not list (e.g. year columns)
    undeclared_valid: tuple[float, float] | None = None  # valid range of undeclared numeric columns
    ranges_by_key: RangesByKey | None = None
    # "error": any repeated key stops the run; "drop_identical": rows repeated verbatim are
    # dropped and counted, a repeated key with different values still stops the run.
    duplicate_rows: str = "error"
    encoding: str = "utf-8"

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


@dataclass
class ParsedTable:
    """What every parser returns: the typed rows and what was noticed on the way."""

    frame: pd.DataFrame
    extra_columns: list[str] = field(default_factory=list)
    missing_optional_columns: list[str] = field(default_factory=list)
    dropped_duplicates: list[str] = field(default_factory=list)  # row labels of verbatim repeats
    remarks: list[str] = field(default_factory=list)  # things read but worth saying (counted)


def file_format(path: Path) -> str:
    suffix = path.suffix.lower()
    formats = {".csv": "csv", ".xlsx": "excel", ".xls": "excel", ".dta": "stata"}
    if suffix not in formats:
        raise ValueError(f"cannot tell the format of {path}: expected .csv, .xlsx or .dta")
    return formats[suffix]


def row_label(fmt: str, index: int, header_line: int = 1) -> str:
    """Name data row ``index`` (0-based) the way a person opening the file would find it."""
    if fmt == "csv":
        return f"row {index + 1} (line {header_line + index + 1})"
    if fmt == "excel":
        return f"row {index + 1} (sheet row {header_line + index + 1})"
    return f"row {index + 1} (observation {index + 1})"


def parse_table(path: Path, display_name: str | None = None, *, schema: TableSchema, header_line: int = 1) -> ParsedTable:
    """Parse ``path`` and conform it to ``schema``; raise ``SourceSchemaError`` on bad input.

    ``header_line`` (1-based) is where a CSV's header sits when a preamble comes first.
    """
    import pandas as pd

    shown = display_name or str(path)
    fmt = file_format(path)
    if path.stat().st_size == 0:
        raise SourceSchemaError(schema.source, shown, "the file is empty (0 bytes)")
    if fmt == "csv":
        raw = read_csv_text(path, shown, schema.source, header_line, schema.encoding)
    else:
        try:
            if fmt == "excel":
                raw = pd.read_excel(path, sheet_name=schema.excel_sheet or 0, dtype=object, keep_default_na=False)
            else:
                raw = pd.read_stata(path, convert_categoricals=False)
        except ValueError as exc:
            raise SourceSchemaError(schema.source, shown, f"cannot be read as {fmt}: {exc}") from exc
        raw = _as_text(raw)
    return conform(_without_empty_unnamed_columns(raw, schema), schema, shown, fmt, header_line=header_line)


def decode_text(data: bytes, source: str, shown: str, encoding: str = "utf-8") -> str:
    """The file's text in its declared encoding, or an error naming the first byte that is not."""
    try:
        return data.decode("utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding)
    except UnicodeDecodeError as exc:
        from charset_normalizer import from_bytes

        line = data[: exc.start].count(b"\n") + 1
        guess = from_bytes(data).best()
        looks_like = f"; the bytes look like {guess.encoding}" if guess is not None and guess.encoding != encoding else ""
        raise SourceSchemaError(
            source,
            shown,
            f"is not valid {encoding}: byte 0x{data[exc.start]:02x} at offset {exc.start} cannot be decoded{looks_like}",
            row=f"line {line}",
        ) from None


def read_csv_text(path: Path, shown: str, source: str, header_line: int = 1, encoding: str = "utf-8") -> pd.DataFrame:
    """Every cell of a CSV as text (typing is ``conform``'s job), read by Arrow's C++ parser.

    The bytes are decoded in the declared encoding first (a bad byte stops the read with its
    offset), and the file must end with a line break: one that does not was cut off in the
    middle of a row. Parsed on one thread so that Arrow can say on which line a row has too
    few or too many fields; such a row stops the read with its line.
    """
    import pyarrow as pa
    from pyarrow import csv as pacsv

    data = path.read_bytes()
    text = decode_text(data, source, shown, encoding)
    if not text.endswith(("\n", "\r")):
        last_line = text.count("\n") + 1
        raise SourceSchemaError(
            source,
            shown,
            "the file ends inside a row (no line break after its last line): it was cut off, e.g. a partial download",
            row=f"line {last_line}",
        )
    lines = text.splitlines()
    header = next(csv.reader([lines[header_line - 1]]), []) if len(lines) >= header_line else []
    if not header:
        raise SourceSchemaError(source, shown, "the file is empty (no header row)")
    names = _unique_names(header)
    bad_rows: list = []

    def reject(row) -> str:
        bad_rows.append(row)
        return "skip"

    utf8 = data if encoding.lower() in ("utf-8", "utf8") else text.encode("utf-8")
    try:
        table = pacsv.read_csv(
            io.BytesIO(utf8),
            read_options=pacsv.ReadOptions(skip_rows=header_line, column_names=names, use_threads=False),
            parse_options=pacsv.ParseOptions(invalid_row_handler=reject),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False, quoted_strings_can_be_null=False
            ),
        )
    except pa.ArrowInvalid as exc:
        raise SourceSchemaError(source, shown, f"cannot be read as CSV: {exc}") from exc
    if bad_rows:
        row = bad_rows[0]
        raise SourceSchemaError(
            source,
            shown,
            f"{row.actual_columns} fields where the header has {row.expected_columns}: {row.text[:80]!r}",
            row=f"line {row.number}" if row.number else None,
        )
    return table.to_pandas()


def _unique_names(header: list[str]) -> list[str]:
    """Header names as pandas would give them: blanks named ``Unnamed: i``, repeats suffixed ``.1``."""
    names, seen = [], {}
    for i, name in enumerate(header):
        name = name.strip() or f"Unnamed: {i}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        names.append(name)
    return names


def _as_text(raw: pd.DataFrame) -> pd.DataFrame:
    """A workbook's or Stata file's cells as text, so every format goes through the same typing."""
    import pandas as pd

    return pd.DataFrame(
        {
            c: raw[c].map(lambda v: None if v is None or (isinstance(v, float) and v != v) else str(v)).astype("str")
            for c in raw.columns
        }
    )


def _without_empty_unnamed_columns(raw: pd.DataFrame, schema: TableSchema) -> pd.DataFrame:
    """A trailing delimiter on every line (as in the World Bank's CSVs) adds a nameless, empty column."""
    empty = [c for c in raw.columns if str(c).startswith("Unnamed:") and _missing_mask(raw[c], schema.missing_tokens).all()]
    return raw.drop(columns=empty)


def conform(raw: pd.DataFrame, schema: TableSchema, shown: str, fmt: str, header_line: int = 1) -> ParsedTable:
    import pandas as pd

    missing = [c.name for c in schema.columns if c.required and c.name not in raw.columns]
    if missing:
        raise SourceSchemaError(schema.source, shown, f"required column(s) missing: {', '.join(missing)}", column=missing[0])
    if raw.empty:
        raise SourceSchemaError(schema.source, shown, "the file has a header but no data rows")

    raw = raw.reset_index(drop=True)
    label = partial(row_label, fmt, header_line=header_line)
    typed, remarks = {}, []
    for name in raw.columns:
        spec = schema.column(name)
        kind = spec.kind if spec else schema.undeclared_kind
        valid = spec.valid if spec else schema.undeclared_valid if kind != "text" else None
        typed[name] = _typed_column(raw[name], kind, valid, name, schema, shown, label, remarks)
    frame = pd.DataFrame(typed)
    if schema.ranges_by_key is not None:
        _check_ranges_by_key(frame, raw, schema, shown, label)
    dropped = _drop_verbatim_repeats(frame, schema, label)
    _check_key(frame.drop(index=[i for i, _ in dropped]), schema, shown, label)

    declared = {c.name for c in schema.columns}
    renamed = {c.name: c.landed_as for c in schema.columns if c.landed_as}
    return ParsedTable(
        frame=frame.drop(index=[i for i, _ in dropped]).rename(columns=renamed),
        extra_columns=[c for c in raw.columns if c not in declared and schema.undeclared_kind == "text"],
        missing_optional_columns=[c.name for c in schema.columns if not c.required and c.name not in raw.columns],
        dropped_duplicates=[text for _, text in dropped],
        remarks=remarks,
    )


def _missing_mask(values: pd.Series, tokens: frozenset[str]) -> pd.Series:
    return values.isna() | values.str.strip().isin(tokens)


def _typed_column(values, kind: str, valid, name: str, schema: TableSchema, shown: str, label, remarks: list[str]):
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    missing = _missing_mask(values, schema.missing_tokens)
    if kind == "text":
        return values.mask(missing).str.strip()
    not_a_number = ~missing & values.str.strip().str.lower().isin(NOT_A_NUMBER_TOKENS)
    if not_a_number.any():
        first = int(not_a_number.idxmax())
        tokens = sorted(set(values[not_a_number].str.strip()))
        remarks.append(
            f"{int(not_a_number.sum())} cell(s) {', '.join(map(repr, tokens))} in column {name!r} read as missing "
            f"(first at {label(first)})"
        )
        missing = missing | not_a_number
    present = values.mask(missing)
    try:  # the fast path: Arrow casts the whole column in C++
        numbers = pd.Series(pc.cast(pa.array(present), pa.float64()).to_numpy(zero_copy_only=False), index=values.index)
    except pa.ArrowInvalid:  # a cell Arrow does not read as a number: find it, or read the column cell by cell
        numbers = pd.to_numeric(present.str.strip().astype(object), errors="coerce").astype("float64")
        bad = numbers.isna() & ~missing
        if bad.any():
            first = int(bad.idxmax())
            raise SourceSchemaError(
                schema.source, shown, f"non-numeric value {str(values.iloc[first])!r}", column=name, row=label(first)
            ) from None
    infinite = ~missing & ~np.isfinite(numbers.to_numpy())
    if infinite.any():
        first = int(np.argmax(infinite))
        raise SourceSchemaError(
            schema.source,
            shown,
            f"non-finite value {str(values.iloc[first])!r} (infinite, or beyond double precision)",
            column=name,
            row=label(first),
        )
    if valid is not None:
        _check_range(numbers, values, valid, name, schema, shown, label)
    if kind == "integer":
        fractional = numbers.notna() & (numbers % 1 != 0)
        if fractional.any():
            first = int(fractional.idxmax())
            raise SourceSchemaError(
                schema.source, shown, f"non-integer value {str(values.iloc[first])!r}", column=name, row=label(first)
            )
        return numbers.astype("Int64")
    return numbers


def _check_range(numbers, texts, valid: tuple[float, float], name: str, schema: TableSchema, shown: str, label, what: str = ""):
    low, high = valid
    outside = numbers.notna() & ((numbers < low) | (numbers > high))
    if outside.any():
        first = int(outside.idxmax())
        raise SourceSchemaError(
            schema.source,
            shown,
            f"value {str(texts.iloc[first])!r} outside the valid range [{_bound(low)}, {_bound(high)}]{what}",
            column=name,
            row=label(first),
        )


def _check_ranges_by_key(frame, raw, schema: TableSchema, shown: str, label) -> None:
    rule = schema.ranges_by_key
    keys = frame[rule.key_column]
    for key, valid in rule.ranges.items():
        rows = keys == key
        if rows.any():
            _check_range(
                frame[rule.value_column].where(rows),
                raw[rule.value_column],
                valid,
                rule.value_column,
                schema,
                shown,
                label,
                f" of {rule.key_column} {key!r}",
            )


def _bound(value: float) -> str:
    return "inf" if math.isinf(value) and value > 0 else "-inf" if math.isinf(value) else f"{value:g}"


def _drop_verbatim_repeats(frame: pd.DataFrame, schema: TableSchema, label) -> list[tuple[int, str]]:
    if schema.duplicate_rows != "drop_identical":
        return []
    repeated = frame.duplicated(keep="first")
    return [(int(i), label(int(i))) for i in frame.index[repeated]]


def _check_key(frame: pd.DataFrame, schema: TableSchema, shown: str, label) -> None:
    for name in schema.key:
        empty = frame[name].isna()
        if empty.any():
            first = int(empty.idxmax())
            raise SourceSchemaError(schema.source, shown, "key value is missing", column=name, row=label(first))
    repeated = frame.duplicated(list(schema.key), keep="first")
    if repeated.any():
        offending = int(repeated.idxmax())
        earlier = next(r for r in frame.index if _same_key(frame, schema.key, r, offending))
        key_text = ", ".join(f"{k}={frame.at[offending, k]}" for k in schema.key)
        raise SourceSchemaError(
            schema.source,
            shown,
            f"duplicated key ({key_text}), first seen at {label(earlier)}",
            column=", ".join(schema.key),
            row=label(offending),
        )


def _same_key(frame: pd.DataFrame, key: Sequence[str], a: int, b: int) -> bool:
    return all(frame.at[a, k] == frame.at[b, k] for k in key)
