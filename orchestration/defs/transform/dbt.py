"""dbt models as Dagster assets; dbt tests become Dagster asset checks."""

import hashlib
import json
import os
import shutil
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from dagster import AssetCheckSpec, AssetExecutionContext, AssetKey, AssetSpec, Config, Failure, MetadataValue, Output
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, dbt_assets
from pydantic import Field

from ...lib.dbt_manifest import keep_partial_parse, restore_partial_parse
from ...lib.inputs import REFRESH_INPUTS, forget_published
from ...lib.settings import DataPaths, dbt_settings
from ...lib.warehouse import connect
from ..previews import preview_query
from ..resources import DataDirResource, RefreshLockResource
from .project import NqpfDbtCliResource, nqpf_dbt_project

PUBLISHED_TAG = "published"
KEEP_DBT_RUNS = 20


class NqpfDbtTranslator(DagsterDbtTranslator):
    """Models are keyed by their name; groups follow the dbt folders (staging, intermediate, marts);
    a dbt test's check shows the test's own description."""

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

    def get_asset_spec(self, manifest: Mapping[str, Any], unique_id: str, project) -> AssetSpec:
        """The roots of the dbt graph (seeds, staging models) wait for ``refresh_inputs``: when it finds
        nothing changed since the current publication, it yields nothing and dbt is skipped."""
        spec = super().get_asset_spec(manifest, unique_id, project)
        node = manifest["nodes"].get(unique_id)
        if node is None or node["resource_type"] not in ("model", "seed"):
            return spec
        if any(parent in manifest["nodes"] for parent in node.get("depends_on", {}).get("nodes", [])):
            return spec
        return spec.merge_attributes(deps=[REFRESH_INPUTS])

    def get_asset_check_spec(self, asset_spec, manifest, unique_id, project) -> AssetCheckSpec | None:
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is None:
            return None
        description = manifest["nodes"][unique_id].get("description") or spec.description
        return AssetCheckSpec(
            name=spec.name,
            asset=spec.asset_key,
            description=description,
            additional_deps=spec.additional_deps,
            metadata=spec.metadata,
            blocking=spec.blocking,
        )


TRANSLATOR = NqpfDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


class DbtBuildConfig(Config):
    vars: str = Field(default="", description="dbt --vars, e.g. '{tfp_base_year: 2010}'")


@cache
def manifest() -> dict[str, Any]:
    return json.loads(nqpf_dbt_project.manifest_path.read_text())


def published_models() -> list[dict[str, Any]]:
    """dbt models tagged ``published``: what the publish asset exports for analysts."""
    nodes = manifest()["nodes"].values()
    return sorted((n for n in nodes if n["resource_type"] == "model" and PUBLISHED_TAG in n["tags"]), key=lambda n: n["name"])


def relation(node: Mapping[str, Any]) -> str:
    return f"{node['schema']}.{node.get('alias') or node['name']}"


def table_key(node: Mapping[str, Any]) -> list[str]:
    """The columns of a model's uniqueness test (``unique_combination_of_columns`` or ``unique``), or
    for a model whose grain is tested on the table under it (the view ``mart_nqpf_panel``) the
    columns its ``meta.grain`` names."""
    for test in manifest()["nodes"].values():
        if test["resource_type"] != "test" or test.get("attached_node") != node["unique_id"]:
            continue
        meta = test.get("test_metadata") or {}
        if meta.get("name") == "unique_combination_of_columns":
            return list(meta["kwargs"]["combination_of_columns"])
        if meta.get("name") == "unique":
            return [meta["kwargs"]["column_name"]]
    return list(node["config"].get("meta", {}).get("grain", []))


def model_relations() -> dict[str, str]:
    """Asset key -> warehouse relation of every dbt model and seed."""
    return {n["name"]: relation(n) for n in manifest()["nodes"].values() if n["resource_type"] in ("model", "seed")}


@dbt_assets(manifest=nqpf_dbt_project.manifest_path, project=nqpf_dbt_project, dagster_dbt_translator=TRANSLATOR)
def nqpf_dbt_models(
    context: AssetExecutionContext,
    config: DbtBuildConfig,
    dbt: NqpfDbtCliResource,
    data_dir: DataDirResource,
    refresh_lock: RefreshLockResource,  # held for the whole run (one refresh per data folder)
) -> Iterator:
    os.environ.update(dbt_settings(data_dir.paths))  # dagster-dbt hands this process's environment to dbt
    forget_published(data_dir.paths)  # from here on the warehouse may no longer hold what was published
    unchanged = unchanged_seeds(context, data_dir.paths)
    if unchanged:
        context.log.info(f"seeds unchanged since they were last loaded, not reloaded: {', '.join(unchanged)}")
    args = [
        "build",
        *(["--exclude", " ".join(unchanged)] if unchanged else []),
        *(["--vars", config.vars] if config.vars else []),
    ]
    target_path = _artifacts_dir(data_dir.paths, context.run.run_id)
    restore_partial_parse(data_dir.paths, target_path)
    invocation = dbt.cli(args, context=context, raise_on_error=False, target_path=target_path)
    # Events are held until dbt exits: DuckDB takes one writer, so the row counts and previews
    # below are read only once the dbt process has closed the warehouse.
    events = list(invocation.stream())
    keep_partial_parse(data_dir.paths, target_path)
    yield from _with_table_metadata(events, data_dir.paths)
    if not invocation.is_successful():
        raise Failure(description=f"dbt build failed: {invocation.get_error() or 'see the dbt log'}", allow_retries=False)
    _seed_state_file(data_dir.paths).write_text(json.dumps(_seed_fingerprints(), indent=1) + "\n")


def _seed_fingerprints() -> dict[str, str]:
    """Per seed: its file, its config (column types) and the tests that read it, as dbt parsed them."""
    nodes = manifest()["nodes"].values()
    fingerprints = {}
    for seed in (n for n in nodes if n["resource_type"] == "seed"):
        tests = sorted(
            json.dumps([t["name"], t.get("test_metadata"), t.get("raw_code")], sort_keys=True, default=str)
            for t in nodes
            if t["resource_type"] == "test" and seed["unique_id"] in t["depends_on"]["nodes"]
        )
        parts = [seed["checksum"]["checksum"], json.dumps(seed["config"].get("column_types"), sort_keys=True), *tests]
        fingerprints[seed["name"]] = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return fingerprints


def _seed_state_file(paths: DataPaths) -> Path:
    return paths.warehouse.with_name("dbt_seed_fingerprints.json")


def unchanged_seeds(context: AssetExecutionContext, paths: DataPaths) -> list[str]:
    """The seeds, when not one of them changed since the last successful build into this warehouse.

    Reloading seeds that did not change only costs time (the seeds and their tests are a fifth
    of the build's nodes). A seed's fingerprint covers its file, its column types and the tests
    that read it; when any seed's changed, a seed table is missing, or this Dagster instance
    has no materialization of one (whose checks the quality gate would miss), every seed is
    reloaded with all its tests, so that tests spanning two seeds always run.
    """
    state = _seed_state_file(paths)
    if not state.is_file() or not paths.warehouse.is_file():
        return []
    fingerprints = _seed_fingerprints()
    if json.loads(state.read_text()) != fingerprints:
        return []
    with connect(paths.warehouse, read_only=True) as con:
        query = "select table_name from information_schema.tables where table_schema = 'seeds'"
        tables = {row[0] for row in con.execute(query).fetchall()}
    materialized = context.instance.get_latest_materialization_events([AssetKey(name) for name in fingerprints])
    if set(fingerprints) - tables or any(materialized.get(AssetKey(name)) is None for name in fingerprints):
        return []
    return sorted(fingerprints)


def _artifacts_dir(paths: DataPaths, run_id: str) -> Path:
    """dbt's target folder for this run (logs, run_results.json, compiled SQL); the last few are kept."""
    paths.dbt_runs.mkdir(parents=True, exist_ok=True)
    previous = sorted(paths.dbt_runs.iterdir(), key=lambda p: p.stat().st_mtime)
    for old in previous[: max(0, len(previous) - KEEP_DBT_RUNS + 1)]:
        shutil.rmtree(old, ignore_errors=True)
    return paths.dbt_runs / run_id


def _with_table_metadata(events: list, paths: DataPaths) -> Iterator:
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
    with connect(paths.warehouse, read_only=True) as con:
        for event in events:
            table = tables.get(id(event))
            if table:
                rows = con.execute(f"select count(*) from {table}").fetchone()[0]
                columns = [c[0] for c in con.execute(f"describe {table}").fetchall()]
                preview = con.execute(preview_query(table, columns)).df()
                event = event.with_metadata(
                    {
                        **event.metadata,
                        "dagster/row_count": rows,
                        "table": table,
                        "preview": MetadataValue.md(preview.to_markdown(index=False)),
                    }
                )
            yield event
