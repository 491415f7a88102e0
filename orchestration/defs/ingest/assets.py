"""Ingest assets: one per source of the connector catalogue, all built the same way.

Each asset fetches every file of its source first (official endpoint or mirror), keeps an
immutable snapshot of each, then loads all of the source's raw tables in one transaction: a
source lands whole or not at all.
"""

import time
from collections.abc import Iterator

from dagster import AssetExecutionContext, AssetsDefinition, AssetSpec, Config, MaterializeResult, MetadataValue, multi_asset
from pydantic import create_model

from ...lib.connectors.catalogue import sources as catalogue
from ...lib.connectors.landing import pull_source
from ...lib.connectors.source import Source
from ..resources import DataDirResource, DataSourceResource, RefreshLockResource
from .pull import ingest_results, run_pull


def config_class(source: Source) -> type[Config]:
    """The source's own options (plain pydantic, declared with the connector) as Dagster run config."""
    fields = {name: (field.annotation, field) for name, field in source.Options.model_fields.items()}
    return create_model(f"{type(source).__name__}Config", __base__=Config, **fields)


def build_ingest_asset(source: Source) -> AssetsDefinition:
    run_config = config_class(source)

    @multi_asset(
        name=f"{source.name}_raw",
        specs=[
            AssetSpec(
                table.asset,
                group_name="ingest",
                kinds={"python", "duckdb"},
                description=f"{table.description} Lands `{table.table}`. {source.citation}. Licence {source.licence}.",
                metadata={"table": table.table, "source": MetadataValue.url(source.official_url)},
            )
            for table in source.tables
        ],
    )
    def ingest(
        context: AssetExecutionContext,
        config: run_config,
        sources: DataSourceResource,
        data_dir: DataDirResource,
        refresh_lock: RefreshLockResource,  # held for the whole run (one refresh per data folder)
    ) -> Iterator[MaterializeResult]:
        started = time.perf_counter()
        options = source.Options(**config.model_dump())
        files = source.files(sources.choice, sources.session(), options)
        result = run_pull(context, sources, lambda: pull_source(source, files, data_dir.paths, sources.drift_tolerance))
        if result.reloaded:
            landed = ", ".join(f"{t} {len(f)} rows" for t, f in result.frames.items())
            context.log.info(f"{source.name}: {len(result.pulls)} files landed: {landed}")
        else:
            context.log.info(f"{source.name}: {len(result.pulls)} files unchanged since they landed: not parsed or loaded again")
        yield from ingest_results(context, source, result, data_dir.paths, sources.choice.mode, started)

    return ingest


ingest_assets_by_source = {name: build_ingest_asset(source) for name, source in catalogue().items()}
ingest_assets = list(ingest_assets_by_source.values())
