"""Read a rectangular source file (CSV, Excel, Stata) into one typed table, checking its schema.

One code path for every format: pandas reads the file with no type guessing, then
``conform`` types each declared column and reports the first offending row in terms a
person can find in the file (line of a CSV, row of a sheet, observation of a .dta).
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .errors import SourceSchemaError

# Cells that mean "not published". Anything else in a numeric column must parse as a number.
MISSING_TOKENS = frozenset({"", "NA", "NaN", "nan", "."})


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # "text", "integer" or "number"
    required: bool = True


@dataclass(frozen=True)
class TableSchema:
    """What the pipeline relies on in a source table. Undeclared columns are kept as text."""

    source: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    excel_sheet: str | None = None

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


@dataclass
class ConformedTable:
    frame: pd.DataFrame
    extra_columns: list[str] = field(default_factory=list)
    missing_optional_columns: list[str] = field(default_factory=list)


def file_format(path: Path) -> str:
    suffix = path.suffix.lower()
    formats = {".csv": "csv", ".xlsx": "excel", ".xls": "excel", ".dta": "stata"}
    if suffix not in formats:
        raise ValueError(f"cannot tell the format of {path}: expected .csv, .xlsx or .dta")
    return formats[suffix]


def row_label(fmt: str, index: int) -> str:
    """Name data row ``index`` (0-based) the way a person opening the file would find it."""
    if fmt == "csv":
        return f"row {index + 1} (line {index + 2})"
    if fmt == "excel":
        return f"row {index + 1} (sheet row {index + 2})"
    return f"row {index + 1} (observation {index + 1})"


def read_table(path: Path, schema: TableSchema, display_name: str | None = None) -> ConformedTable:
    """Parse ``path`` and conform it to ``schema``; raise ``SourceSchemaError`` on bad input."""
    shown = display_name or str(path)
    fmt = file_format(path)
    if path.stat().st_size == 0:
        raise SourceSchemaError(schema.source, shown, "the file is empty (0 bytes)")
    try:
        if fmt == "csv":
            raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        elif fmt == "excel":
            raw = pd.read_excel(path, sheet_name=schema.excel_sheet or 0, dtype=object, keep_default_na=False)
        else:
            raw = pd.read_stata(path, convert_categoricals=False)
    except pd.errors.EmptyDataError:
        raise SourceSchemaError(schema.source, shown, "the file is empty (no header row)") from None
    except ValueError as exc:
        raise SourceSchemaError(schema.source, shown, f"cannot be read as {fmt}: {exc}") from exc
    return conform(raw, schema, shown, fmt)


def conform(raw: pd.DataFrame, schema: TableSchema, shown: str, fmt: str) -> ConformedTable:
    missing = [c.name for c in schema.columns if c.required and c.name not in raw.columns]
    if missing:
        raise SourceSchemaError(
            schema.source, shown, f"required column(s) missing: {', '.join(missing)}", column=missing[0]
        )
    if raw.empty:
        raise SourceSchemaError(schema.source, shown, "the file has a header but no data rows")

    raw = raw.reset_index(drop=True)
    typed = {}
    for name in raw.columns:
        spec = schema.column(name)
        kind = spec.kind if spec else "text"
        typed[name] = _typed_column(raw[name], kind, name, schema, shown, fmt)
    frame = pd.DataFrame(typed)
    _check_key(frame, schema, shown, fmt)

    declared = {c.name for c in schema.columns}
    return ConformedTable(
        frame=frame,
        extra_columns=[c for c in raw.columns if c not in declared],
        missing_optional_columns=[c.name for c in schema.columns if not c.required and c.name not in raw.columns],
    )


def _missing_mask(values: pd.Series) -> pd.Series:
    return values.isna() | values.astype(str).str.strip().isin(MISSING_TOKENS)


def _typed_column(values: pd.Series, kind: str, name: str, schema: TableSchema, shown: str, fmt: str) -> pd.Series:
    missing = _missing_mask(values)
    if kind == "text":
        return values.where(~missing).astype("string").str.strip()
    numbers = pd.to_numeric(values.where(~missing).astype(object), errors="coerce").astype("float64")
    bad = numbers.isna() & ~missing
    if bad.any():
        first = int(bad.idxmax())
        raise SourceSchemaError(
            schema.source, shown, f"non-numeric value {str(values.iloc[first])!r}", column=name, row=row_label(fmt, first)
        )
    if kind == "integer":
        fractional = numbers.notna() & (numbers % 1 != 0)
        if fractional.any():
            first = int(fractional.idxmax())
            raise SourceSchemaError(
                schema.source, shown, f"non-integer value {str(values.iloc[first])!r}", column=name, row=row_label(fmt, first)
            )
        return numbers.astype("Int64")
    return numbers


def _check_key(frame: pd.DataFrame, schema: TableSchema, shown: str, fmt: str) -> None:
    for name in schema.key:
        empty = frame[name].isna()
        if empty.any():
            first = int(empty.idxmax())
            raise SourceSchemaError(schema.source, shown, "key value is missing", column=name, row=row_label(fmt, first))
    repeated = frame.duplicated(list(schema.key), keep="first")
    if repeated.any():
        offending = int(repeated.idxmax())
        earlier = next(r for r in frame.index if _same_key(frame, schema.key, r, offending))
        key_text = ", ".join(f"{k}={frame.at[offending, k]}" for k in schema.key)
        raise SourceSchemaError(
            schema.source,
            shown,
            f"duplicated key ({key_text}), first seen at {row_label(fmt, earlier)}",
            column=", ".join(schema.key),
            row=row_label(fmt, offending),
        )


def _same_key(frame: pd.DataFrame, key: Sequence[str], a: int, b: int) -> bool:
    return all(frame.at[a, k] == frame.at[b, k] for k in key)
