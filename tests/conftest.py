"""Shared fixtures. Tests read the real mirror at ../shared/data and write to temp folders."""

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from dagster import DagsterInstance, ExecuteInProcessResult, materialize

from orchestration.lib.settings import DBT_PROJECT_DIR, DEFAULT_MIRROR_DIR, DataPaths, dbt_environment

MIRROR = DEFAULT_MIRROR_DIR
PWT_MIRROR_FILE = MIRROR / "pwt" / "pwt1001.csv"


def pytest_configure(config):
    if not PWT_MIRROR_FILE.is_file():
        raise pytest.UsageError(
            f"tests read the offline mirror, and {PWT_MIRROR_FILE} is missing: put ../shared beside the project"
        )
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    # Definitions load dbt's manifest: bring it up to date before any test module imports them.
    from orchestration.lib.dbt_manifest import ensure_manifest
    from orchestration.lib.settings import data_paths

    ensure_manifest(data_paths())


# Tests that build with dbt (directly or through a full refresh) are marked `dbt`, and those that
# drive Chromium `browser`, so that `make test-fast` (pytest -m "not dbt and not browser") runs
# everything else in under a minute. Under
# pytest-xdist the tests sharing one of these fixtures run on one worker, which builds it once.
SHARED_BUILDS = ("refreshed", "history", "toy", "operated", "vintages")


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items):
    for item in items:
        if "chromium" in item.fixturenames:  # pages in a real browser: `make test` runs them, `make test-fast` does not
            item.add_marker(pytest.mark.browser)
        shared = [name for name in SHARED_BUILDS if name in item.fixturenames]
        if shared:
            item.add_marker(pytest.mark.dbt)
            item.add_marker(pytest.mark.xdist_group(shared[0]))


@dataclass
class Refresh:
    data_dir: Path
    instance: DagsterInstance
    result: ExecuteInProcessResult

    @property
    def latest(self) -> Path:
        return (self.data_dir / "publish" / "latest").resolve()


def run_full_refresh(
    data_dir: Path, instance: DagsterInstance, data_source: str = str(MIRROR), force: bool = False
) -> ExecuteInProcessResult:
    """Materialize every asset and run every check, in process, as the nightly job does (``force``:
    rebuild and publish even when nothing changed since the last publication)."""
    from orchestration.definitions import all_assets, gx_checks
    from orchestration.defs.resources import build_resources

    return materialize(
        [*all_assets, *gx_checks],
        resources=build_resources(data_dir, data_source),
        instance=instance,
        raise_on_error=False,
        run_config={"ops": {"refresh_inputs": {"config": {"force": force}}}},
    )


def pull_resources(data_dir: Path, sources) -> dict:
    """What an ingest asset needs outside a full refresh: its data source, the data folder and its lock."""
    from orchestration.defs.resources import DataDirResource, RefreshLockResource

    return {
        "sources": sources,
        "data_dir": DataDirResource(root=str(data_dir)),
        "refresh_lock": RefreshLockResource(root=str(data_dir)),
    }


def run_dbt(data_dir: Path, *args: str, project: Path = DBT_PROJECT_DIR) -> subprocess.CompletedProcess:
    """dbt on the warehouse in ``data_dir`` (artifacts in ``data_dir/target``), as the pipeline runs it."""
    return subprocess.run(
        [
            str(Path(sys.executable).with_name("dbt")),
            *args,
            "--profiles-dir",
            str(project),
            "--target-path",
            str(data_dir / "target"),
        ],
        cwd=project,
        env=dbt_environment(DataPaths(data_dir)),
        capture_output=True,
        text=True,
    )


def dbt_error(run: subprocess.CompletedProcess, data_dir: Path) -> str:
    """The message dbt recorded for the one node that failed in ``run``."""
    assert run.returncode == 1, run.stdout[-2000:]
    results = json.loads((data_dir / "target" / "run_results.json").read_text())["results"]
    (failed,) = [r for r in results if r["status"] == "error"]  # the var check (on-run-start) passes first
    return failed["message"]


@pytest.fixture(scope="session")
def pwt_mirror() -> pd.DataFrame:
    """The mirror file read directly with pandas: the independent side of every comparison."""
    return pd.read_csv(PWT_MIRROR_FILE)


@pytest.fixture(scope="session")
def refreshed(tmp_path_factory) -> Refresh:
    """One full refresh on the real mirror, shared by the tests that read its outputs."""
    data_dir = tmp_path_factory.mktemp("refresh") / "data"
    instance = DagsterInstance.ephemeral()
    result = run_full_refresh(data_dir, instance)
    assert result.success, [e.event_specific_data for e in result.all_events if e.is_step_failure]
    return Refresh(data_dir, instance, result)
