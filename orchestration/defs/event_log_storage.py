"""The instance's event log: Dagster's one-file SQLite storage, with one pooled connection per process.

Dagster's SQLite storages open a new SQLAlchemy engine and connection for every event and close
it again; closing the last connection of a WAL database checkpoints it, so a refresh that plans
~170 assets and checks spent about 4 s writing planned events before its first step. This keeps
one engine and one connection per thread for the life of the process (SQLite in WAL mode lets
the UI, the daemon and a command-line run share the file all the same), and commits with
``synchronous=NORMAL``, SQLite's recommended setting for WAL: a power cut may lose the last
events, never corrupt the file.
"""

from contextlib import contextmanager
from functools import cached_property

from dagster._core.storage.event_log import ConsolidatedSqliteEventLogStorage
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from sqlalchemy import create_engine, event
from sqlalchemy.pool import SingletonThreadPool


class PooledSqliteEventLogStorage(ConsolidatedSqliteEventLogStorage):
    @cached_property
    def _engine(self):
        engine = create_engine(
            self._conn_string, poolclass=SingletonThreadPool, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS}
        )
        event.listen(engine, "connect", _commit_without_waiting_for_the_disk)
        return engine

    @contextmanager
    def _connect(self):
        with self._engine.connect() as conn, conn.begin():
            yield conn


def _commit_without_waiting_for_the_disk(dbapi_connection, _record) -> None:
    dbapi_connection.execute("pragma synchronous = normal")
