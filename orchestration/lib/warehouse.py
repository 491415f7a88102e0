"""Reading and writing the DuckDB warehouse: short connections, one writer at a time, readers read-only."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas and DuckDB load on first use, not with the code location
    import duckdb
    import pandas as pd

SNAPSHOTS_TABLE = "raw.source_snapshots"


@contextmanager
def connect(warehouse: Path, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived connection; DuckDB allows one writer or many readers, never both at once."""
    import duckdb

    warehouse.parent.mkdir(parents=True, exist_ok=True)
    connection = duckdb.connect(str(warehouse), read_only=read_only)
    try:
        yield connection
    finally:
        connection.close()


def load_raw_tables(
    warehouse: Path, source: str, tables: Mapping[str, pd.DataFrame], pulls: Sequence[Mapping], loaded_by: str
) -> None:
    """Replace a source's raw tables and record which snapshots they hold, in one transaction.

    Either every table of the source is replaced or none is: a failed load leaves the
    previous raw data in place. ``loaded_by`` names the code that parsed them (a hash), so an
    unchanged snapshot is parsed again only when the parsers changed.
    """
    with connect(warehouse) as con:
        con.execute("begin transaction")
        try:
            con.execute("create schema if not exists raw")
            con.execute(
                f"""create table if not exists {SNAPSHOTS_TABLE} (
                    source varchar, origin varchar, retrieved_at varchar, bytes bigint,
                    sha256 varchar, snapshot varchar, rows bigint, detail varchar)"""
            )
            con.execute(f"alter table {SNAPSHOTS_TABLE} add column if not exists loaded_by varchar")
            con.execute(f"alter table {SNAPSHOTS_TABLE} add column if not exists file_key varchar")
            for table, frame in tables.items():
                con.register("incoming_frame", frame)
                con.execute(f"create or replace table {table} as select * from incoming_frame")
                con.unregister("incoming_frame")
            con.execute(f"delete from {SNAPSHOTS_TABLE} where source = ?", [source])
            columns = ("origin", "retrieved_at", "bytes", "sha256", "snapshot", "rows", "detail")
            rows = [[*(p[c] for c in columns), loaded_by, p.get("file_key", "")] for p in pulls]
            if rows:
                con.executemany(
                    f"insert into {SNAPSHOTS_TABLE} (source, origin, retrieved_at, bytes, sha256, snapshot, rows, detail, "
                    "loaded_by, file_key) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [[source, *row] for row in rows],
                )
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise


def as_records(cursor: duckdb.DuckDBPyConnection) -> list[dict]:
    """The rows of an executed query as dicts keyed by column name."""
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def loaded_snapshots(con: duckdb.DuckDBPyConnection, source: str) -> list[dict]:
    """The snapshots a source's raw tables hold now (none before its first load), on an open connection."""
    known = con.execute(
        "select count(*) from information_schema.columns where table_schema = 'raw' "
        "and table_name = 'source_snapshots' and column_name = 'loaded_by'"
    ).fetchone()[0]
    if not known:
        return []
    return as_records(con.execute(f"select * from {SNAPSHOTS_TABLE} where source = ?", [source]))
