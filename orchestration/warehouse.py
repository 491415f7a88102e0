"""Reading and writing the DuckDB warehouse (one writer at a time, readers read-only)."""

from collections.abc import Mapping, Sequence

import duckdb
import pandas as pd

SNAPSHOTS_TABLE = "raw.source_snapshots"


def load_raw_tables(con: duckdb.DuckDBPyConnection, source: str, tables: Mapping[str, pd.DataFrame],
                    pulls: Sequence[Mapping]) -> None:
    """Replace a source's raw tables and record which snapshots they hold, in one transaction.

    Either every table of the source is replaced or none is: a failed load leaves the
    previous raw data in place.
    """
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
        for pull in pulls:
            con.execute(
                f"insert into {SNAPSHOTS_TABLE} values (?, ?, ?, ?, ?, ?, ?, ?)",
                [source, pull["origin"], pull["retrieved_at"], pull["bytes"], pull["sha256"], pull["snapshot"],
                 pull["rows"], pull["detail"]],
            )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def read_table(con: duckdb.DuckDBPyConnection, table: str) -> pd.DataFrame:
    return con.execute(f"select * from {table}").df()
