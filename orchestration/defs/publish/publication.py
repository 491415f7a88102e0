"""Publish the curated marts for analysts, only when the quality gate is clear."""

import time
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

from dagster import (
    AssetCheckKey,
    AssetExecutionContext,
    AssetKey,
    AssetsDefinition,
    Config,
    Failure,
    MaterializeResult,
    MetadataValue,
    asset,
)
from pydantic import Field

from ...lib.inputs import current_inputs, mark_published
from ...lib.publishing import PublishedTable, git_commit, new_version_id, publish
from ...lib.warehouse import SNAPSHOTS_TABLE, as_records, connect
from ..ingest.inputs import OUTCOME_TAG, VERSION_TAG
from ..quality.checks import run_results
from ..quality.gate_status import check_statuses, gate_problems
from ..resources import DataDirResource, DataSourceResource, RefreshLockResource
from ..transform.dbt import model_relations, published_models, relation, table_key

REPORT_DIR_NAME, QUALITY_DIR_NAME = "report", "quality"


class PublishConfig(Config):
    keep_versions: int = Field(default=30, description="How many publications to keep on disk")


def published_tables() -> list[PublishedTable]:
    return [
        PublishedTable(
            name=node["name"],
            relation=relation(node),
            description=node.get("description", ""),
            columns={
                name: {"data_type": col.get("data_type") or "", "description": col.get("description", "")}
                for name, col in node["columns"].items()
            },
            key=table_key(node),
        )
        for node in published_models()
    ]


def records(con, query: str, parameters: list | None = None) -> list[dict[str, Any]]:
    return as_records(con.execute(query, parameters or []))


def indicator_systems(con) -> dict[str, Any]:
    """Each system's settings (its seed row), the years its index covers, and every indicator with its weights."""
    relations = model_relations()
    systems = {}
    for system in records(con, f"select * from {relations['nqpf_systems']} order by system_id"):
        window = records(
            con,
            f"select min(year) as first_year, max(year) as last_year from {relations['mart_nqpf_index']} where system_id = ?",
            [system["system_id"]],
        )[0]
        indicators = records(
            con,
            f"select * exclude (system_id) from {relations['mart_nqpf_indicator_weights']} "
            "where system_id = ? order by element, indicator_id",
            [system["system_id"]],
        )
        systems[system["system_id"]] = {**system, "index_years": window, "indicators": indicators}
    return systems


def write_pages(folder: Path, results: list[dict]) -> None:
    """The publication's own pages: the data-quality page of the checks that gated it, then the
    analyst report (which links to it), both read offline from the folder or any copy of it."""
    from ...lib.report import build_quality_page, build_report  # Altair and friends load with the run

    build_quality_page(results, folder / QUALITY_DIR_NAME)
    build_report(folder)


def build_publication_asset(
    gate: AssetKey, marts: Sequence[AssetKey], guarded_checks: Sequence[AssetCheckKey]
) -> AssetsDefinition:
    @asset(
        name="publication",
        group_name="publish",
        deps=[gate, *marts],
        kinds={"duckdb", "parquet", "csv"},
        description=(
            "A new versioned folder under publish/versions of the data folder (NQPF_DATA_DIR) with "
            "every dbt model tagged `published` as Parquet, CSV and a read-only DuckDB file, "
            "manifest.json (with the change log), the analyst report (report/index.html) and the "
            "data-quality page (quality/index.html); then publish/latest is switched to it atomically."
        ),
    )
    def publication(
        context: AssetExecutionContext,
        config: PublishConfig,
        data_dir: DataDirResource,
        sources: DataSourceResource,
        refresh_lock: RefreshLockResource,  # held for the whole run (one refresh per data folder)
    ) -> MaterializeResult:
        started = time.perf_counter()
        statuses = check_statuses(context.instance, guarded_checks)
        problems = gate_problems(statuses)
        if problems:  # the gate asset may be older than the data: look again
            raise Failure(description="not publishing, checks have not all passed:\n" + "\n".join(problems), allow_retries=False)
        with connect(data_dir.paths.warehouse, read_only=True) as con:
            snapshots = records(con, f"select * from {SNAPSHOTS_TABLE} order by source, origin")
            systems = indicator_systems(con)
        choice = sources.choice
        inputs = current_inputs(data_dir.paths, context.run.run_config)
        provenance: dict[str, Any] = {
            "run_id": context.run.run_id,
            "inputs": inputs,
            "git": git_commit(),
            "data_source": {
                "mode": choice.mode,
                "setting": choice.setting,
                "mirror": str(choice.mirror_dir) if choice.mirror_dir else None,
            },
            "sources": snapshots,
            "indicator_systems": systems,
            "checks": [s.as_dict() for s in statuses],
            "pages": {"report": f"{REPORT_DIR_NAME}/index.html", "quality": f"{QUALITY_DIR_NAME}/index.html"},
        }
        result = publish(
            data_dir.paths.publish,
            data_dir.paths.warehouse,
            published_tables(),
            new_version_id(context.run.run_id),
            provenance,
            keep_versions=config.keep_versions,
            decorate=partial(write_pages, results=run_results(data_dir.paths, context.run.run_id)),
        )
        mark_published(data_dir.paths, inputs["fingerprint"])
        context.instance.add_run_tags(context.run_id, {OUTCOME_TAG: "published", VERSION_TAG: result.version})
        rows = {name: entry["rows"] for name, entry in result.manifest["tables"].items()}
        context.log.info(f"published {result.version}: {rows}")
        changes = result.manifest.get("changes")
        from ...lib.publication_diff import changes_report  # DuckDB loads with the run, not with the code location

        return MaterializeResult(
            metadata={
                "version": result.version,
                "path": MetadataValue.path(str(result.path)),
                "latest": MetadataValue.path(str(data_dir.paths.publish / "latest")),
                "report": MetadataValue.path(str(result.path / REPORT_DIR_NAME / "index.html")),
                "quality_page": MetadataValue.path(str(result.path / QUALITY_DIR_NAME / "index.html")),
                "tables": MetadataValue.json(rows),
                "dagster/row_count": sum(rows.values()),
                **({"changes": MetadataValue.md(changes_report(changes))} if changes else {}),
                "duration_s": round(time.perf_counter() - started, 3),
            }
        )

    return publication
