"""Reading and writing the DuckDB warehouse (one writer at a time, readers read-only)."""

import duckdb
import pandas as pd

from .sources.snapshots import Snapshot

SNAPSHOTS_TABLE = "raw.source_snapshots"


def load_raw_table(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame, snapshot: Snapshot,
                   rows: int, extra_columns: list[str]) -> None:
    """Replace a raw table and record which snapshot it holds, in one transaction."""
    schema = table.split(".")[0]
    con.execute("begin transaction")
    try:
        con.execute(f"create schema if not exists {schema}")
        con.execute(
            f"""create table if not exists {SNAPSHOTS_TABLE} (
                source varchar primary key, origin varchar, retrieved_at varchar, bytes bigint,
                sha256 varchar, snapshot varchar, rows bigint, extra_columns varchar[])"""
        )
        con.register("incoming_frame", frame)
        con.execute(f"create or replace table {table} as select * from incoming_frame")
        con.unregister("incoming_frame")
        con.execute(f"delete from {SNAPSHOTS_TABLE} where source = ?", [snapshot.source])
        con.execute(
            f"insert into {SNAPSHOTS_TABLE} values (?, ?, ?, ?, ?, ?, ?, ?)",
            [snapshot.source, snapshot.origin, snapshot.retrieved_at, snapshot.bytes, snapshot.sha256,
             snapshot.snapshot, rows, extra_columns],
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def read_table(con: duckdb.DuckDBPyConnection, table: str) -> pd.DataFrame:
    return con.execute(f"select * from {table}").df()
