"""The table files of one version, written from the warehouse: Parquet, CSV and one DuckDB file,
each table's rows in the order of its key.

One in-memory DuckDB database attaches the warehouse (read-only) and the version's DuckDB file;
each writer works on a cursor of its own and DuckDB releases the GIL, so the writers can run in
threads beside Python work (the publication writes the CSV and DuckDB files, which nothing in
the version reads, while its pages are built from the Parquet files).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .hashing import sha256_of

if TYPE_CHECKING:  # DuckDB loads on first use, not with the code location
    import duckdb

    from .publishing import PublishedTable

DATABASE_FILE = "nqpf.duckdb"


@contextmanager
def attached(warehouse: Path, version_dir: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection with ``warehouse`` (read-only) and the version's new DuckDB file (``publication``)
    attached; the file is read-only once the connection closes."""
    import duckdb

    database = version_dir / DATABASE_FILE
    con = duckdb.connect()
    try:
        con.execute(f"attach {sql_literal(str(warehouse))} as warehouse (read_only)")
        con.execute(f"attach {sql_literal(str(database))} as publication")
        yield con
        con.execute("detach publication")
        con.execute("detach warehouse")
    finally:
        con.close()
    database.chmod(0o444)


def write_parquet(con: duckdb.DuckDBPyConnection, version_dir: Path, tables: list[PublishedTable]) -> dict[str, Any]:
    """Each table as ``parquet/<table>.parquet``; returns the manifest's table entries (rows, key,
    description, the Parquet file with its sha256, columns)."""
    entries = {}
    with con.cursor() as cursor:
        for table in tables:
            path = version_dir / "parquet" / f"{table.name}.parquet"
            rows = cursor.execute(f"copy ({_select(table)}) to {sql_literal(str(path))} (format parquet)").fetchone()[0]
            entries[table.name] = {
                "rows": rows,
                "key": table.key,
                "description": table.description,
                "files": {"parquet": {"path": f"parquet/{path.name}", "sha256": sha256_of(path)}},
                "columns": table.columns,
            }
    return entries


def write_csv(con: duckdb.DuckDBPyConnection, version_dir: Path, tables: list[PublishedTable]) -> dict[str, dict[str, str]]:
    """Each table as ``csv/<table>.csv`` with a header; returns table -> {path, sha256}."""
    files = {}
    with con.cursor() as cursor:
        for table in tables:
            path = version_dir / "csv" / f"{table.name}.csv"
            cursor.execute(f"copy ({_select(table)}) to {sql_literal(str(path))} (format csv, header)")
            files[table.name] = {"path": f"csv/{path.name}", "sha256": sha256_of(path)}
    return files


def write_database(con: duckdb.DuckDBPyConnection, tables: list[PublishedTable]) -> None:
    """Every table in the version's DuckDB file with its table and column comments, in one commit."""
    with con.cursor() as cursor:
        cursor.execute("begin")
        for table in tables:
            name = f"publication.{table.name}"
            statements = [
                f"create table {name} as {_select(table)}",
                f"comment on table {name} is {sql_literal(table.description)}",
                *(
                    f'comment on column {name}."{column}" is {sql_literal(doc.get("description", ""))}'
                    for column, doc in table.columns.items()
                ),
            ]
            cursor.execute(";\n".join(statements))  # one call: a round trip per comment costs more than the comment
        cursor.execute("commit")


def _select(table: PublishedTable) -> str:
    """The table in the order of its key: the same rows give the same bytes, whatever order the
    build left them in, so a rebuild's unchanged tables are byte-identical to the last version's
    (and the change log need not read them)."""
    order = " order by " + ", ".join(f'"{k}"' for k in table.key) if table.key else ""
    return f"select * from warehouse.{table.relation}{order}"


def sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
