"""The Dagster code location (``dg dev``/``make ui`` load ``defs`` from here): it composes, nothing else."""

from dagster import Definitions, in_process_executor

from .defs.automation.console import concise_console
from .defs.automation.jobs import full_refresh_job
from .defs.automation.schedules import nightly_full_refresh
from .defs.automation.sensors import record_run_failures
from .defs.ingest.assets import ingest_assets
from .defs.ingest.inputs import build_refresh_inputs_asset
from .defs.publish.publication import build_publication_asset
from .defs.quality.checks import build_gx_checks
from .defs.quality.gate import build_quality_gate
from .defs.resources import build_resources
from .defs.transform.dbt import TRANSLATOR, nqpf_dbt_models, published_models

refresh_inputs = build_refresh_inputs_asset([spec.key for asset in ingest_assets for spec in asset.specs])
gx_checks = build_gx_checks()
# Everything that must pass before publishing: each GX suite and each dbt test of severity error.
guarded_checks = [
    *(spec.key for checks in gx_checks for spec in checks.check_specs),
    *(spec.key for spec in nqpf_dbt_models.check_specs if spec.blocking),
]
published_marts = [TRANSLATOR.get_asset_key(node) for node in published_models()]
quality_gate = build_quality_gate(published_marts, guarded_checks)
publication = build_publication_asset(quality_gate.key, published_marts, guarded_checks)

all_assets = [*ingest_assets, refresh_inputs, nqpf_dbt_models, quality_gate, publication]

defs = Definitions(
    assets=all_assets,
    asset_checks=gx_checks,
    jobs=[full_refresh_job],
    schedules=[nightly_full_refresh],
    sensors=[record_run_failures],
    resources=build_resources(),
    executor=in_process_executor,
    loggers={"console": concise_console},  # replaces Dagster's console logger in every job
)
