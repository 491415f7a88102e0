"""The Dagster code location: `dagster dev` (or `make ui`) loads `defs` from here."""

import os
from pathlib import Path

from dagster import Definitions, in_process_executor
from dagster_dbt import DbtCliResource

from .assets.dbt import model_asset_key, nqpf_dbt_models, published_models
from .assets.ingest import ingest_assets
from .assets.publish import build_publication_asset
from .assets.quality import build_quality_gate
from .jobs import full_refresh_job
from .project import nqpf_dbt_project
from .quality.checks import build_gx_asset_checks
from .resources import DataDirResource, DataSourceResource
from .schedules import nightly_full_refresh
from .sensors import record_run_failures
from .settings import DATA_SOURCE_ENV, data_paths

gx_checks = build_gx_asset_checks()

# Everything that must pass before publishing: each GX suite and each dbt test of severity error.
guarded_checks = [
    *(key for check in gx_checks for key in check.check_keys),
    *(spec.key for spec in nqpf_dbt_models.check_specs if spec.blocking),
]
published_marts = [model_asset_key(node) for node in published_models()]
quality_gate = build_quality_gate(published_marts, guarded_checks)
publication = build_publication_asset(quality_gate.key, published_marts, guarded_checks)

all_assets = [*ingest_assets, nqpf_dbt_models, quality_gate, publication]


def build_resources(data_dir: Path | None = None, data_source: str | None = None) -> dict:
    """Resources from the environment (NQPF_DATA_DIR, NQPF_DATA_SOURCE) unless given."""
    return {
        "dbt": DbtCliResource(project_dir=nqpf_dbt_project),
        "sources": DataSourceResource(setting=data_source or os.environ.get(DATA_SOURCE_ENV, "auto")),
        "data_dir": DataDirResource(root=str(data_dir or data_paths().root)),
    }


defs = Definitions(
    assets=all_assets,
    asset_checks=gx_checks,
    jobs=[full_refresh_job],
    schedules=[nightly_full_refresh],
    sensors=[record_run_failures],
    resources=build_resources(),
    executor=in_process_executor,
)
