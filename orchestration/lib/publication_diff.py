"""What changed in a published table between two versions: rows added, removed and revised.

Rows are matched on the table's key (its dbt uniqueness test). A value is revised when a
number moved by more than ``abs_tol + rel_tol * max(|old|, |new|)`` (floating-point noise of
parallel sums, ~1e-15, is not a revision), when text changed, or when a value appeared or
disappeared. Order never matters.
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

REL_TOL = 1e-9
ABS_TOL = 1e-12
LARGEST = 5


@dataclass
class TableDiff:
    table: str
    key: list[str]
    rows_before: int
    rows_after: int
    added: int = 0
    removed: int = 0
    revised: int = 0
    columns_added: list[str] = field(default_factory=list)
    columns_removed: list[str] = field(default_factory=list)
    largest_revisions: list[dict[str, Any]] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        return not (self.added or self.removed or self.revised or self.columns_added or self.columns_removed)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def diff_table(
    table: str, before: Path, after: Path, key: list[str], rel_tol: float = REL_TOL, abs_tol: float = ABS_TOL
) -> TableDiff:
    """Compare two Parquet files of ``table`` row by row on ``key``."""
    con = duckdb.connect()
    try:
        con.execute(f"create view old as select * from read_parquet({_literal(before)})")
        con.execute(f"create view new as select * from read_parquet({_literal(after)})")
        types_before = dict(con.execute("select column_name, column_type from (describe old)").fetchall())
        types_after = dict(con.execute("select column_name, column_type from (describe new)").fetchall())
        diff = TableDiff(
            table,
            key,
            rows_before=con.execute("select count(*) from old").fetchone()[0],
            rows_after=con.execute("select count(*) from new").fetchone()[0],
            columns_added=[c for c in types_after if c not in types_before],
            columns_removed=[c for c in types_before if c not in types_after],
        )
        on = " and ".join(f"o.{_quote(k)} is not distinct from n.{_quote(k)}" for k in key)
        diff.added = con.execute(f"select count(*) from new n where not exists (select 1 from old o where {on})").fetchone()[0]
        diff.removed = con.execute(f"select count(*) from old o where not exists (select 1 from new n where {on})").fetchone()[0]
        compared = [c for c in types_before if c in types_after and c not in key]
        if not compared:
            return diff
        changed = []
        for column in compared:
            o, n = f"o.{_quote(column)}", f"n.{_quote(column)}"
            if _numeric(types_before[column]) and _numeric(types_after[column]):
                changed.append(
                    f"(({o} is null) <> ({n} is null) or abs({o} - {n}) > {abs_tol} + {rel_tol} * greatest(abs({o}), abs({n})))"
                )
            else:
                changed.append(f"{o} is distinct from {n}")
        diff.revised = con.execute(f"select count(*) from old o join new n on {on} where {' or '.join(changed)}").fetchone()[0]
        numeric = [c for c in compared if _numeric(types_before[c]) and _numeric(types_after[c])]
        if diff.revised and numeric:
            keys = ", ".join(f"o.{_quote(k)} as {_quote(k)}" for k in key)
            moves = " union all ".join(
                f"select {keys}, '{column}' as column_name, o.{_quote(column)}::double as old_value, n.{_quote(column)}::double as new_value "
                f"from old o join new n on {on} where o.{_quote(column)} is distinct from n.{_quote(column)}"
                for column in numeric
            )
            rows = con.execute(
                f"select * from ({moves}) where abs(new_value - old_value) > {abs_tol} + {rel_tol} * greatest(abs(old_value), abs(new_value)) "
                f"order by abs(new_value - old_value) / nullif(greatest(abs(old_value), abs(new_value)), 0) desc nulls last limit {LARGEST}"
            )
            names = [d[0] for d in rows.description]
            diff.largest_revisions = [dict(zip(names, r, strict=True)) for r in rows.fetchall()]
        return diff
    finally:
        con.close()


def _numeric(data_type: str) -> bool:
    return data_type.upper().split("(")[0] in {
        "DOUBLE",
        "FLOAT",
        "REAL",
        "DECIMAL",
        "BIGINT",
        "INTEGER",
        "SMALLINT",
        "TINYINT",
        "HUGEINT",
    }


def diff_versions(before: Path, after: Path, keys: dict[str, list[str]]) -> list[TableDiff]:
    """Every table present in either version's ``parquet/`` folder."""
    tables = sorted(
        {p.stem for p in (before / "parquet").glob("*.parquet")} | {p.stem for p in (after / "parquet").glob("*.parquet")}
    )
    diffs = []
    for table in tables:
        old, new = before / "parquet" / f"{table}.parquet", after / "parquet" / f"{table}.parquet"
        if not old.exists() or not new.exists():
            diffs.append(TableDiff(table, keys.get(table, []), _rows(old), _rows(new), added=_rows(new), removed=_rows(old)))
            continue
        diffs.append(diff_table(table, old, new, keys[table]))
    return diffs


def _rows(path: Path) -> int:
    if not path.exists():
        return 0
    con = duckdb.connect()
    try:
        return con.execute(f"select count(*) from read_parquet({_literal(path)})").fetchone()[0]
    finally:
        con.close()
