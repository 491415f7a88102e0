"""Resources every step shares: where sources are read from, where the pipeline keeps its data."""

import os
import socket
from pathlib import Path

import requests
from dagster import ConfigurableResource, Failure, InitResourceContext
from pydantic import Field, PrivateAttr

from ..lib.connectors.drift import DriftTolerance
from ..lib.connectors.fetch import http_session
from ..lib.quality.gx_suites import Suite
from ..lib.quality.validator import VALIDATOR
from ..lib.refresh_lock import DataFolderBusy, RefreshLock
from ..lib.settings import DATA_SOURCE_ENV, DataPaths, DataSourceChoice, data_paths, resolve_data_source
from .run_launcher import HOST_TAG, PID_TAG
from .transform.project import NqpfDbtCliResource, nqpf_dbt_project

DATA_DIR_TAG = "nqpf/data_dir"


class DataSourceResource(ConfigurableResource):
    """Official endpoints or a mirror folder, from one setting (``NQPF_DATA_SOURCE``)."""

    setting: str = Field(description="'auto', 'online', or the path of a mirror folder")
    http_retries: int = Field(default=5, description="HTTP retries per request (429, 5xx, resets)")
    backoff_factor: float = Field(default=1.0, description="Exponential backoff base, seconds")
    step_retries: int = Field(default=2, description="Retries of a whole ingest step when an endpoint stays unreachable")
    step_retry_delay_s: float = Field(default=10.0, description="Wait before the first step retry; doubles each time")
    max_row_loss: float = Field(
        default=0.05, ge=0, le=1, description="Share of a file's rows that may vanish since its last pull"
    )
    max_unit_loss: float = Field(
        default=0.001, ge=0, le=1, description="Share of a file's rows that may belong to units or years gone since its last pull"
    )
    max_median_factor: float = Field(default=10.0, gt=1, description="How far a file's median value may move since its last pull")
    revising_sources: list[str] = Field(
        default_factory=list, description="Sources whose publisher revises: a shrink is recorded in the pull, not fatal"
    )

    @property
    def choice(self) -> DataSourceChoice:
        return resolve_data_source(self.setting)

    def session(self) -> requests.Session:
        return http_session(self.http_retries, self.backoff_factor)

    @property
    def drift_tolerance(self) -> DriftTolerance:
        return DriftTolerance(self.max_row_loss, self.max_unit_loss, self.max_median_factor, tuple(self.revising_sources))


class DataDirResource(ConfigurableResource):
    """The working data folder: landing snapshots, warehouse, quality results, publications."""

    root: str = Field(description="Absolute path of the data folder (NQPF_DATA_DIR)")

    @property
    def paths(self) -> DataPaths:
        return DataPaths(Path(self.root))


class RefreshLockResource(ConfigurableResource):
    """Holds the data folder for the whole run: one refresh at a time, however it was started."""

    root: str = Field(description="Absolute path of the data folder (NQPF_DATA_DIR)")
    wait_s: float = Field(default=0.0, ge=0, description="How long to wait for a running refresh to finish before giving up")
    _lock: RefreshLock | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: InitResourceContext) -> None:
        self._lock = RefreshLock(Path(self.root))
        run = context.dagster_run
        try:
            self._lock.acquire(run.run_id if run is not None else "", self.wait_s)
        except DataFolderBusy as exc:
            raise Failure(description=str(exc), allow_retries=False) from None
        if context.instance is not None and run is not None:  # which process runs the run: run monitoring asks
            tags = {PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname(), DATA_DIR_TAG: self.root}
            context.instance.add_run_tags(run.run_id, tags)

    def teardown_after_execution(self, context: InitResourceContext) -> None:
        if self._lock is not None:
            self._lock.release()


class GreatExpectationsResource(ConfigurableResource):
    """Validates GX suites in one worker process for the whole run (see lib/quality/validator.py)."""

    def setup_for_execution(self, context: InitResourceContext) -> None:
        # Resources start with the run: the worker imports GX while the run ingests. It stays up
        # for later runs of the same process and ends with it.
        VALIDATOR.start()

    def validate(self, warehouse: Path, checks: list[tuple[str, Suite]]) -> list[dict]:
        """Results of each ``(relation, suite)``, in order."""
        return VALIDATOR.validate(warehouse, checks)


def build_resources(data_dir: Path | None = None, data_source: str | None = None) -> dict:
    """Resources from the environment (NQPF_DATA_DIR, NQPF_DATA_SOURCE) unless given."""
    return {
        "dbt": NqpfDbtCliResource(project_dir=nqpf_dbt_project),
        "sources": DataSourceResource(setting=data_source or os.environ.get(DATA_SOURCE_ENV, "auto")),
        "data_dir": DataDirResource(root=str(data_dir or data_paths().root)),
        "refresh_lock": RefreshLockResource(root=str(data_dir or data_paths().root)),
        "gx": GreatExpectationsResource(),
    }
