"""What changed between two publications: per table rows added, removed and revised, the largest
revisions, the units whose rank moved, and which source files changed underneath.

Rows are matched on the table's key (its dbt uniqueness test). A value is revised when a
number moved by more than ``abs_tol + rel_tol * max(|old|, |new|)`` (floating-point noise of
parallel sums, ~1e-15, is not a revision), when text changed, or when a value appeared or
disappeared. Order never matters. Every revised cell can be written to a Parquet file (key,
column, old value, new value): ``changes/<table>.parquet`` of a publication. Two byte-identical
files are the same table and are not read (publications write rows in key order, so a rebuild's
unchanged tables are byte-identical).
"""

import filecmp
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from .warehouse import as_records

REL_TOL = 1e-9
ABS_TOL = 1e-12
LARGEST = 5
RANK_MOVE = 5  # a unit is listed when one of its whole-number ranks moved by more than this many places
RANK_MOVES_LISTED = 20


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
    revised_by_column: dict[str, int] = field(default_factory=dict)
    largest_revisions: list[dict[str, Any]] = field(default_factory=list)
    rank_moves: int = 0  # rows where a rank column moved by more than RANK_MOVE places
    largest_rank_moves: list[dict[str, Any]] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        return not (self.added or self.removed or self.revised or self.columns_added or self.columns_removed)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def diff_table(
    table: str,
    before: Path,
    after: Path,
    key: list[str],
    rel_tol: float = REL_TOL,
    abs_tol: float = ABS_TOL,
    revisions_file: Path | None = None,
    database: duckdb.DuckDBPyConnection | None = None,
) -> TableDiff:
    """Compare two Parquet files of ``table`` row by row on ``key``; write the revised cells to
    ``revisions_file`` when given and there are any. ``database``: an open DuckDB database to work
    in (on a cursor of its own); a new in-memory one by default."""
    con = database.cursor() if database is not None else duckdb.connect()
    try:
        con.execute(f"create temp view old as select * from read_parquet({_literal(before)})")
        con.execute(f"create temp view new as select * from read_parquet({_literal(after)})")
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
        if not key:  # rows cannot be matched without a key: only the counts are compared
            return diff
        on = " and ".join(f"o.{_quote(k)} is not distinct from n.{_quote(k)}" for k in key)
        diff.added = con.execute(f"select count(*) from new n where not exists (select 1 from old o where {on})").fetchone()[0]
        diff.removed = con.execute(f"select count(*) from old o where not exists (select 1 from new n where {on})").fetchone()[0]
        compared = [c for c in types_before if c in types_after and c not in key]
        if not compared:
            return diff
        numeric = {c for c in compared if _numeric(types_before[c]) and _numeric(types_after[c])}
        # One pass over the matched rows: each gives the list of its revised cells (a struct per column
        # that moved, null otherwise), unnested into one row per cell.
        cells = ", ".join(_revised_cell(column, column in numeric, rel_tol, abs_tol) for column in compared)
        keys = ", ".join(f"o.{_quote(k)}" for k in key)
        con.execute(
            f"create temp table revisions as select {keys}, "
            f"unnest(list_filter([{cells}], lambda cell: cell is not null), recursive := true) "
            f"from old o join new n on {on}"
        )
        counts = con.execute("select column_name, count(*) from revisions group by all order by 2 desc, 1").fetchall()
        diff.revised_by_column = dict(counts)
        if not counts:
            return diff
        row_key = ", ".join(_quote(k) for k in key)
        diff.revised = con.execute(f"select count(*) from (select distinct {row_key} from revisions)").fetchone()[0]
        diff.largest_revisions = as_records(
            con.execute(
                f"select {row_key}, column_name, old_value, new_value from revisions where old_value is not null "
                "and new_value is not null order by abs(new_value - old_value) / "
                f"nullif(greatest(abs(old_value), abs(new_value)), 0) desc nulls last, {row_key}, column_name limit {LARGEST}"
            )
        )
        # whole-number rank columns (nqpf_rank, topsis_rank, rank_in_year), not mean percentile ranks
        ranks = sorted(c for c in numeric if "rank" in c and "INT" in types_before[c].upper())
        if ranks:
            moved = f"from revisions where column_name in ({', '.join(repr(c) for c in ranks)}) and abs(new_value - old_value) > {RANK_MOVE}"
            diff.rank_moves = con.execute(f"select count(*) {moved}").fetchone()[0]
            diff.largest_rank_moves = as_records(
                con.execute(
                    f"select {row_key}, column_name, old_value::integer as old_rank, new_value::integer as new_rank {moved} "
                    f"order by abs(new_value - old_value) desc, {row_key}, column_name limit {RANK_MOVES_LISTED}"
                )
            )
        if revisions_file is not None:
            revisions_file.parent.mkdir(parents=True, exist_ok=True)
            con.execute(f"copy (select * from revisions order by all) to {_literal(revisions_file)} (format parquet)")
        return diff
    finally:
        con.close()


def _revised_cell(column: str, numeric: bool, rel_tol: float, abs_tol: float) -> str:
    """The cell of ``column`` in a matched row as (column_name, old/new value or text) when it moved, else null."""
    o, n = f"o.{_quote(column)}", f"n.{_quote(column)}"
    if numeric:
        moved = f"({o} is null) <> ({n} is null) or abs({o} - {n}) > {abs_tol} + {rel_tol} * greatest(abs({o}), abs({n}))"
        values = f"'old_value': {o}::double, 'new_value': {n}::double, 'old_text': null::varchar, 'new_text': null::varchar"
    else:
        moved = f"{o}::varchar is distinct from {n}::varchar"
        values = f"'old_value': null::double, 'new_value': null::double, 'old_text': {o}::varchar, 'new_text': {n}::varchar"
    name = "'" + column.replace("'", "''") + "'"
    return f"case when ({moved}) then {{'column_name': {name}, {values}}} end"


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


def diff_versions(before: Path, after: Path, keys: dict[str, list[str]], revisions_dir: Path | None = None) -> list[TableDiff]:
    """Every table present in either version's ``parquet/`` folder; revised cells go to
    ``revisions_dir/<table>.parquet`` when given. A table whose two files are byte-identical is
    unchanged without being read (a rebuild from the same inputs often writes the same bytes)."""
    tables = sorted(
        {p.stem for p in (before / "parquet").glob("*.parquet")} | {p.stem for p in (after / "parquet").glob("*.parquet")}
    )
    diffs = []
    database = duckdb.connect()  # one for every table: opening one costs more than comparing a small table
    try:
        for table in tables:
            old, new = before / "parquet" / f"{table}.parquet", after / "parquet" / f"{table}.parquet"
            key = keys.get(table, [])
            if not old.exists() or not new.exists():
                rows_before, rows_after = _rows(database, old), _rows(database, new)
                diffs.append(TableDiff(table, key, rows_before, rows_after, added=rows_after, removed=rows_before))
            elif filecmp.cmp(old, new, shallow=False):
                rows = _rows(database, new)
                diffs.append(TableDiff(table, key, rows_before=rows, rows_after=rows))
            else:
                target = revisions_dir / f"{table}.parquet" if revisions_dir is not None else None
                diffs.append(diff_table(table, old, new, key, revisions_file=target, database=database))
    finally:
        database.close()
    return diffs


def _rows(database: duckdb.DuckDBPyConnection, path: Path) -> int:
    if not path.exists():
        return 0
    with database.cursor() as con:
        return con.execute(f"select count(*) from read_parquet({_literal(path)})").fetchone()[0]


def source_changes(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Source files whose bytes differ between two manifests' ``sources``, matched by source and what
    the file is (its key: a series code, a file name), so a mirror in another folder and the
    official endpoint compare alike."""

    def by_file(rows: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
        return {(row["source"], row.get("file_key") or Path(str(row["origin"])).name): row for row in rows}

    old, new = by_file(before), by_file(after)
    changed = []
    for source, name in sorted(old.keys() | new.keys()):
        was, now = old.get((source, name)), new.get((source, name))
        if was is not None and now is not None and was["sha256"] == now["sha256"]:
            continue
        changed.append(
            {
                "source": source,
                "file": name,
                "status": "added" if was is None else "removed" if now is None else "revised",
                "origin": (now or was)["origin"],
                "sha256_before": was and was["sha256"],
                "sha256_after": now and now["sha256"],
                "snapshot_before": was and was["snapshot"],
                "snapshot_after": now and now["snapshot"],
            }
        )
    return changed


def version_changes(
    before: Path, before_manifest: dict[str, Any], after: Path, after_manifest: dict[str, Any], revisions_dir: Path | None
) -> dict[str, Any]:
    """The ``changes`` section of a manifest: ``after`` against ``before`` (two version folders)."""
    keys = {}
    for manifest in (before_manifest, after_manifest):  # the newer manifest's keys win
        keys |= {name: entry["key"] for name, entry in manifest["tables"].items() if entry.get("key")}
    diffs = diff_versions(before, after, keys, revisions_dir)
    return {
        "against": before_manifest["version"],
        "sources": source_changes(before_manifest.get("sources", []), after_manifest.get("sources", [])),
        "tables": {d.table: d.as_dict() for d in diffs if not d.unchanged},
        "unchanged_tables": [d.table for d in diffs if d.unchanged],
    }


def changes_report(changes: dict[str, Any]) -> str:
    """The ``changes`` section in words and a Markdown table (the shell and the Dagster UI)."""
    lines = [f"Changes against {changes['against']}:"]
    lines += [f"- source {s['source']}, file {s['file']}: {s['status']}" for s in changes["sources"]] or [
        "- no source file changed"
    ]
    if not changes["tables"]:
        return "\n".join([*lines, "", "No published table changed."])
    lines += [
        "",
        "| table | rows before | rows after | added | removed | revised | ranks moved > 5 |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, t in changes["tables"].items():
        lines.append(
            f"| {name} | {t['rows_before']} | {t['rows_after']} | {t['added']} | {t['removed']} | {t['revised']} | {t['rank_moves']} |"
        )
    for name, t in changes["tables"].items():
        details = [f"column added: {c}" for c in t["columns_added"]] + [f"column removed: {c}" for c in t["columns_removed"]]
        details += [f"revised: {_cell(r, t['key'])} {r['old_value']:.6g} -> {r['new_value']:.6g}" for r in t["largest_revisions"]]
        details += [
            f"rank moved: {_cell(r, t['key'])} {r['old_rank']} -> {r['new_rank']}" for r in t["largest_rank_moves"][:LARGEST]
        ]
        if details:
            lines += ["", f"{name}:", *(f"- {d}" for d in details)]
    return "\n".join(lines)


def _cell(row: dict[str, Any], key: list[str]) -> str:
    return " ".join(str(row[k]) for k in key) + f" {row['column_name']}"
