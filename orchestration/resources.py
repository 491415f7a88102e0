"""Dagster resources: where sources are read from and where the pipeline keeps its data."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import requests
from dagster import ConfigurableResource
from pydantic import Field

from .settings import DataPaths, DataSourceChoice, resolve_data_source
from .sources.fetch import FetchedFile, http_session, retrieve


class DataSourceResource(ConfigurableResource):
    """Official endpoints or a mirror folder, from one setting (``NQPF_DATA_SOURCE``)."""

    setting: str = Field(description="'auto', 'online', or the path of a mirror folder")
    http_retries: int = Field(default=5, description="HTTP retries per request (429, 5xx, resets)")
    backoff_factor: float = Field(default=1.0, description="Exponential backoff base, seconds")
    step_retries: int = Field(default=2, description="Retries of a whole ingest step when an endpoint stays unreachable")
    step_retry_delay_s: float = Field(default=10.0, description="Wait before the first step retry; doubles each time")

    @property
    def choice(self) -> DataSourceChoice:
        return resolve_data_source(self.setting)

    def session(self) -> requests.Session:
        return http_session(self.http_retries, self.backoff_factor)

    def fetch(self, source: str, url: str, mirror_path: str) -> FetchedFile:
        return retrieve(source, url, mirror_path, self.choice, self.session())


class DataDirResource(ConfigurableResource):
    """The working data folder: landing snapshots, warehouse, quality results, publications."""

    root: str = Field(description="Absolute path of the data folder (NQPF_DATA_DIR)")

    @property
    def paths(self) -> DataPaths:
        return DataPaths(Path(self.root))

    @contextmanager
    def warehouse(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A short-lived DuckDB connection; DuckDB allows one writer or many readers, not both."""
        path = self.paths.warehouse
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = duckdb.connect(str(path), read_only=read_only)
        try:
            yield connection
        finally:
            connection.close()
