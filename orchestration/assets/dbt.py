"""dbt models as Dagster assets; dbt tests become Dagster asset checks."""

import json
import os
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from dagster import AssetExecutionContext, AssetKey, Config, Failure, MetadataValue, Output
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets
from pydantic import Field

from ..project import nqpf_dbt_project
from ..resources import DataDirResource
from ..settings import DATA_DIR_ENV

PUBLISHED_TAG = "published"


class NqpfDbtTranslator(DagsterDbtTranslator):
    """Models are keyed by their name; groups follow the dbt folders (staging, intermediate, marts)."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] in ("model", "seed", "snapshot"):
            return AssetKey(dbt_resource_props["name"])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn", [])
        if dbt_resource_props["resource_type"] == "seed":
            return "staging"  # the indicator systems are inputs, prepared beside the staged sources
        if dbt_resource_props["resource_type"] == "model" and len(fqn) > 2:
            return fqn[1]
        return super().get_group_name(dbt_resource_props)


TRANSLATOR = NqpfDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


class DbtBuildConfig(Config):
    vars: str = Field(default="", description="dbt --vars, e.g. '{tfp_base_year: 2010}'")


def manifest() -> dict[str, Any]:
    return json.loads(nqpf_dbt_project.manifest_path.read_text())


def published_models() -> list[dict[str, Any]]:
    """dbt models tagged ``published``: what the publish asset exports for analysts."""
    nodes = manifest()["nodes"].values()
    return sorted(
        (n for n in nodes if n["resource_type"] == "model" and PUBLISHED_TAG in n["tags"]),
        key=lambda n: n["name"],
    )


def model_asset_key(node: Mapping[str, Any]) -> AssetKey:
    return TRANSLATOR.get_asset_key(node)


def relation(node: Mapping[str, Any]) -> str:
    return f"{node['schema']}.{node.get('alias') or node['name']}"


@dbt_assets(manifest=nqpf_dbt_project.manifest_path, project=nqpf_dbt_project, dagster_dbt_translator=TRANSLATOR)
def nqpf_dbt_models(context: AssetExecutionContext, config: DbtBuildConfig, dbt: DbtCliResource,
                    data_dir: DataDirResource) -> Iterator:
    os.environ[DATA_DIR_ENV] = data_dir.root  # dbt's profile reads the warehouse path from here
    args = ["build", *(["--vars", config.vars] if config.vars else [])]
    invocation = dbt.cli(args, context=context, raise_on_error=False, target_path=_artifacts_dir(data_dir, context.run.run_id))
    # Events are held until dbt exits: DuckDB takes one writer, so the row counts and previews
    # below are read only once the dbt process has closed the warehouse.
    events = list(invocation.stream())
    yield from _with_table_metadata(events, data_dir)
    if not invocation.is_successful():
        raise Failure(description=f"dbt build failed: {invocation.get_error() or 'see the dbt log'}",
                      allow_retries=False)


def _artifacts_dir(data_dir: DataDirResource, run_id: str, keep: int = 20) -> Path:
    """dbt's target folder for this run (logs, run_results.json), under data/; the last ``keep`` are kept."""
    runs = data_dir.paths.root / "dbt_runs"
    runs.mkdir(parents=True, exist_ok=True)
    previous = sorted(runs.iterdir(), key=lambda p: p.stat().st_mtime)
    for old in previous[: max(0, len(previous) - keep + 1)]:
        shutil.rmtree(old, ignore_errors=True)
    return runs / run_id


def _with_table_metadata(events: list, data_dir: DataDirResource) -> Iterator:
    nodes = manifest()["nodes"]
    tables = {}
    for event in events:
        unique_id = getattr(event, "metadata", {}).get("unique_id")
        node = nodes.get(unique_id.value) if unique_id is not None else None
        if isinstance(event, Output) and node and node["config"].get("materialized") == "table":
            tables[id(event)] = relation(node)
    if not tables:
        yield from events
        return
    with data_dir.warehouse(read_only=True) as con:
        for event in events:
            table = tables.get(id(event))
            if table:
                rows = con.execute(f"select count(*) from {table}").fetchone()[0]
                preview = con.execute(f"select * from {table} limit 10").df()
                event = event.with_metadata({
                    **event.metadata,
                    "dagster/row_count": rows,
                    "table": table,
                    "preview": MetadataValue.md(preview.to_markdown(index=False)),
                })
            yield event
