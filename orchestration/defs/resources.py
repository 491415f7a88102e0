"""Resources every step shares: where sources are read from, where the pipeline keeps its data."""

import os
from pathlib import Path

import requests
from dagster import ConfigurableResource, InitResourceContext
from pydantic import Field

from ..lib.connectors.fetch import http_session
from ..lib.quality.gx_suites import Suite
from ..lib.quality.validator import VALIDATOR
from ..lib.settings import DATA_SOURCE_ENV, DataPaths, DataSourceChoice, data_paths, resolve_data_source
from .transform.project import NqpfDbtCliResource, nqpf_dbt_project


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


class DataDirResource(ConfigurableResource):
    """The working data folder: landing snapshots, warehouse, quality results, publications."""

    root: str = Field(description="Absolute path of the data folder (NQPF_DATA_DIR)")

    @property
    def paths(self) -> DataPaths:
        return DataPaths(Path(self.root))


class GreatExpectationsResource(ConfigurableResource):
    """Validates GX suites in one worker process for the whole run (see lib/quality/validator.py)."""

    def setup_for_execution(self, context: InitResourceContext) -> None:
        # Resources start with the run: the worker imports GX while the run ingests. It stays up
        # for later runs of the same process and ends with it.
        VALIDATOR.start()

    def validate(self, warehouse: Path, relation: str, suite: Suite) -> dict:
        return VALIDATOR.validate(warehouse, relation, suite)


def build_resources(data_dir: Path | None = None, data_source: str | None = None) -> dict:
    """Resources from the environment (NQPF_DATA_DIR, NQPF_DATA_SOURCE) unless given."""
    return {
        "dbt": NqpfDbtCliResource(project_dir=nqpf_dbt_project),
        "sources": DataSourceResource(setting=data_source or os.environ.get(DATA_SOURCE_ENV, "auto")),
        "data_dir": DataDirResource(root=str(data_dir or data_paths().root)),
        "gx": GreatExpectationsResource(),
    }
