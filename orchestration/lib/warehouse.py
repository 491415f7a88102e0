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


def load_raw_tables(warehouse: Path, source: str, tables: Mapping[str, pd.DataFrame], pulls: Sequence[Mapping]) -> None:
    """Replace a source's raw tables and record which snapshots they hold, in one transaction.

    Either every table of the source is replaced or none is: a failed load leaves the
    previous raw data in place.
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
            for table, frame in tables.items():
                con.register("incoming_frame", frame)
                con.execute(f"create or replace table {table} as select * from incoming_frame")
                con.unregister("incoming_frame")
            con.execute(f"delete from {SNAPSHOTS_TABLE} where source = ?", [source])
            rows = [
                [source, p["origin"], p["retrieved_at"], p["bytes"], p["sha256"], p["snapshot"], p["rows"], p["detail"]]
                for p in pulls
            ]
            if rows:
                con.executemany(f"insert into {SNAPSHOTS_TABLE} values (?, ?, ?, ?, ?, ?, ?, ?)", rows)
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise


def read_relation(warehouse: Path, relation: str) -> pd.DataFrame:
    """A whole table or view as a DataFrame, over a read-only connection."""
    with connect(warehouse, read_only=True) as con:
        return con.execute(f"select * from {relation}").df()
