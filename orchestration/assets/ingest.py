"""Ingest assets: fetch public tables, keep immutable snapshots, land them in the warehouse.

Each asset fetches every file of its source first, then loads all of its raw tables in one
transaction: a source either lands whole or not at all.
"""

import time
from collections.abc import Callable, Iterator
from functools import partial

import pandas as pd
from dagster import (
    AssetExecutionContext,
    AssetSpec,
    Config,
    DataVersion,
    Failure,
    MaterializeResult,
    MetadataValue,
    RetryRequested,
    asset,
    multi_asset,
)
from pydantic import Field

from ..indicator_system import required_codes
from ..resources import DataDirResource, DataSourceResource
from ..sources import gapminder, statistical, wdi, worldbank_api
from ..sources.errors import SourceUnavailableError
from ..sources.fetch import FetchedFile
from ..sources.landing import Pull, land, parse_or_reject, published_values, snapshot_of
from ..sources.pwt import PWT
from ..sources.tables import read_table


def fetch_or_fail(context: AssetExecutionContext, sources: DataSourceResource,
                  fetch: Callable[[], FetchedFile]) -> FetchedFile:
    """Fetch, or stop the step. An unreachable endpoint asks Dagster to retry the whole step
    with exponential backoff (``sources.step_retries``, on top of the per-request HTTP retries);
    a missing mirror file or a bad file is final, since the same bytes would fail again."""
    try:
        return fetch()
    except SourceUnavailableError as exc:
        if sources.choice.online and context.retry_number < sources.step_retries:
            wait = sources.step_retry_delay_s * 2 ** context.retry_number
            context.log.warning(f"{exc}; retrying the step in {wait:g} s")
            raise RetryRequested(max_retries=sources.step_retries, seconds_to_wait=wait) from exc
        raise Failure(description=str(exc), allow_retries=False) from exc


def combined_version(pulls: list[Pull]) -> DataVersion:
    return DataVersion("+".join(sorted(p.snapshot.sha256[:16] for p in pulls)))


def pull_metadata(pulls: list[Pull], started: float) -> dict:
    table = ["| origin | sha256 | snapshot | rows | remarks |", "|---|---|---|---|---|"] + [
        f"| {p.snapshot.origin} | {p.snapshot.sha256[:12]} | {p.snapshot.snapshot_status} | {p.rows} | {p.detail} |"
        for p in pulls
    ]
    return {
        "files": len(pulls),
        "new_snapshots": sum(p.snapshot.snapshot_status == "new" for p in pulls),
        "pulls": MetadataValue.md("\n".join(table)),
        "duration_s": round(time.perf_counter() - started, 3),
    }


def preview(frame: pd.DataFrame) -> MetadataValue:
    return MetadataValue.md(frame.head(10).to_markdown(index=False))


# ---------------------------------------------------------------- Penn World Table

class PwtConfig(Config):
    url: str | None = Field(default=None, description="Override the official download URL (.xlsx, .dta or .csv)")


@asset(
    group_name="ingest",
    kinds={"python", "duckdb"},
    description=f"{PWT.title}, landed verbatim (typed) in `{PWT.warehouse_table}`. {PWT.citation}. Licence {PWT.licence}.",
    metadata={"source_url": MetadataValue.url(PWT.url), "mirror_path": PWT.mirror_path, "table": PWT.warehouse_table},
)
def pwt_raw(context: AssetExecutionContext, config: PwtConfig, sources: DataSourceResource,
            data_dir: DataDirResource) -> MaterializeResult:
    started = time.perf_counter()
    fetched = fetch_or_fail(context, sources, lambda: sources.fetch(PWT.name, config.url or PWT.url, PWT.mirror_path))
    snapshot = snapshot_of(fetched, data_dir)
    context.log.info(f"pwt: {snapshot.snapshot_status} snapshot {snapshot.sha256[:12]} from {snapshot.origin}")
    table = parse_or_reject(snapshot, data_dir, partial(read_table, schema=PWT.schema))
    detail = f"extra columns kept as text: {', '.join(table.extra_columns)}" if table.extra_columns else ""
    pull = Pull(snapshot, len(table.frame), detail)
    land(data_dir, PWT.name, {PWT.warehouse_table: table.frame}, [pull])
    if detail:
        context.log.warning(f"pwt: {detail}")
    return MaterializeResult(
        data_version=DataVersion(snapshot.sha256),
        metadata={
            "dagster/row_count": len(table.frame),
            "columns": len(table.frame.columns),
            "origin": snapshot.origin,
            "data_source": sources.choice.mode,
            "snapshot": MetadataValue.path(snapshot.snapshot),
            "snapshot_sha256": snapshot.sha256,
            "snapshot_status": snapshot.snapshot_status,
            "bytes": snapshot.bytes,
            "retrieved_at": snapshot.retrieved_at,
            "extra_columns": MetadataValue.json(table.extra_columns),
            "missing_optional_columns": MetadataValue.json(table.missing_optional_columns),
            "preview": preview(table.frame),
            "duration_s": round(time.perf_counter() - started, 3),
        },
    )


# ---------------------------------------------------------------- World Bank WDI

class WdiConfig(Config):
    api_base_url: str = Field(default=worldbank_api.OFFICIAL_BASE_URL, description="Indicators API v2 base URL (online)")
    per_page: int = Field(default=1000, description="Rows per API page")
    date: str = Field(default="1960:2030", description="Years requested from the API, 'first:last'")


WDI_NOTE = (
    "Online: Indicators API v2, every page checked. Offline: the mirror's long (datahub) or bulk (World Bank "
    "wide CSV) layout, the newer vintage when both exist. Licence CC BY 4.0."
)


@multi_asset(
    name="wdi_raw",
    specs=[
        AssetSpec("wdi_observations_raw", group_name="ingest", kinds={"python", "duckdb"},
                  description="World Bank World Development Indicators named by the indicator-system seeds (and their "
                              f"transforms' denominators), long, in `raw.wdi_observations`. {WDI_NOTE}",
                  metadata={"table": "raw.wdi_observations", "api": MetadataValue.url(worldbank_api.OFFICIAL_BASE_URL)}),
        AssetSpec("wdi_economies_raw", group_name="ingest", kinds={"python", "duckdb"},
                  description="The World Bank's country metadata (region, income group; aggregates have no region) "
                              f"in `raw.wdi_economies`. {WDI_NOTE}",
                  metadata={"table": "raw.wdi_economies"}),
    ],
)
def wdi_raw(context: AssetExecutionContext, config: WdiConfig, sources: DataSourceResource,
            data_dir: DataDirResource) -> Iterator[MaterializeResult]:
    started = time.perf_counter()
    codes = required_codes("wdi")
    settings = worldbank_api.ApiSettings(base_url=config.api_base_url, per_page=config.per_page, date=config.date)
    read = fetch_or_fail(context, sources, lambda: wdi.reader(sources.choice, codes, sources.session(), settings))

    pending = fetch_or_fail(context, sources, read.economies)
    snapshot = snapshot_of(pending.fetched, data_dir)
    economies = parse_or_reject(snapshot, data_dir, pending.parse)
    pulls, series = [Pull(snapshot, len(economies))], []
    for code in codes:
        pending = fetch_or_fail(context, sources, lambda code=code: read.indicator(code))
        snapshot = snapshot_of(pending.fetched, data_dir)
        parsed = parse_or_reject(snapshot, data_dir, pending.parse)
        kept, pull = published_values(snapshot, parsed.frame, parsed.dropped_duplicates)
        pulls.append(pull)
        series.append(kept)

    observations = pd.concat(series, ignore_index=True)
    land(data_dir, "wdi", {"raw.wdi_observations": observations, "raw.wdi_economies": economies}, pulls)
    by_series = observations.groupby("indicator_code").agg(
        layout=("layout", "first"), vintage=("vintage", "first"), observations=("value", "size"), economies=("economy_code", "nunique")
    )
    context.log.info(f"wdi: {len(codes)} series, {len(observations)} observations, {len(economies)} economies and aggregates")
    version, pulled = combined_version(pulls), pull_metadata(pulls, started)
    yield MaterializeResult(
        asset_key="wdi_observations_raw",
        data_version=version,
        metadata={
            "dagster/row_count": len(observations),
            "indicators": len(codes),
            "data_source": sources.choice.mode,
            "series": MetadataValue.md(by_series.reset_index().to_markdown(index=False)),
            "preview": preview(observations),
            **pulled,
        },
    )
    yield MaterializeResult(
        asset_key="wdi_economies_raw",
        data_version=version,
        metadata={
            "dagster/row_count": len(economies),
            "economies": int(economies["region"].notna().sum()),
            "aggregates": int(economies["region"].isna().sum()),
            "vintage": str(economies["vintage"].iat[0]) if len(economies) else "",
            "preview": preview(economies),
        },
    )


# ---------------------------------------------------------------- Gapminder

class GapminderConfig(Config):
    base_url: str = Field(default=gapminder.OFFICIAL_BASE_URL, description="Base URL of the DDF repository (online)")


@multi_asset(
    name="gapminder_raw",
    specs=[
        AssetSpec("gapminder_observations_raw", group_name="ingest", kinds={"python", "duckdb"},
                  description=f"{gapminder.TITLE}: CO2 intensity of GDP, GDP in constant US$ and weekly working hours "
                              "(and any concept the indicator systems name) in `raw.gapminder_observations`. CC BY 4.0.",
                  metadata={"table": "raw.gapminder_observations",
                            "repository": MetadataValue.url(gapminder.OFFICIAL_BASE_URL)}),
        AssetSpec("gapminder_geo_raw", group_name="ingest", kinds={"python", "duckdb"},
                  description="Gapminder geo entities (Gapminder code -> ISO3, is a country) in `raw.gapminder_geo`.",
                  metadata={"table": "raw.gapminder_geo"}),
    ],
)
def gapminder_raw(context: AssetExecutionContext, config: GapminderConfig, sources: DataSourceResource,
                  data_dir: DataDirResource) -> Iterator[MaterializeResult]:
    started = time.perf_counter()
    concepts = gapminder.concepts()

    def fetch(relative: str) -> FetchedFile:
        url = gapminder.online_url(relative, config.base_url)
        return fetch_or_fail(context, sources, lambda: sources.fetch("gapminder", url, f"gapminder/{relative}"))

    pulls, observations = [], []
    snapshot = snapshot_of(fetch(gapminder.ENTITIES_FILE), data_dir)
    geo = parse_or_reject(snapshot, data_dir, gapminder.parse_entities)
    pulls.append(Pull(snapshot, len(geo)))
    for concept in concepts:
        snapshot = snapshot_of(fetch(gapminder.datapoints_file(concept)), data_dir)
        kept, pull = published_values(snapshot, *parse_or_reject(snapshot, data_dir,
                                                                 partial(gapminder.parse_datapoints, concept=concept)))
        pulls.append(pull)
        observations.append(kept)
    frame = pd.concat(observations, ignore_index=True)
    land(data_dir, "gapminder", {"raw.gapminder_observations": frame, "raw.gapminder_geo": geo}, pulls)
    version = combined_version(pulls)
    yield MaterializeResult(
        asset_key="gapminder_observations_raw",
        data_version=version,
        metadata={
            "dagster/row_count": len(frame),
            "concepts": MetadataValue.json(concepts),
            "data_source": sources.choice.mode,
            "preview": preview(frame),
            **pull_metadata(pulls, started),
        },
    )
    yield MaterializeResult(
        asset_key="gapminder_geo_raw",
        data_version=version,
        metadata={"dagster/row_count": len(geo), "geos_without_iso3": int(geo["iso3"].isna().sum()), "preview": preview(geo)},
    )


# ---------------------------------------------------------------- long statistical tables

def build_statistical_table_asset(table: statistical.StatisticalTable):
    """One ingest asset per configured statistical table: every file snapshotted, all landed or none."""

    @asset(
        name=f"{table.name}_raw",
        group_name="ingest",
        kinds={"python", "duckdb"},
        description=f"{table.title}, long (region label, year, variable, value, unit) and verbatim in "
                    f"`{table.warehouse_table}`. {table.citation}. Licence {table.licence}.",
        metadata={"table": table.warehouse_table, "mirror_folder": table.mirror_folder,
                  "files": MetadataValue.json(list(table.files)), "base_url": MetadataValue.url(table.base_url)},
    )
    def statistical_table_raw(context: AssetExecutionContext, sources: DataSourceResource,
                              data_dir: DataDirResource) -> MaterializeResult:
        started = time.perf_counter()
        pulls, frames = [], []
        for file in table.files:
            fetched = fetch_or_fail(context, sources, lambda file=file: sources.fetch(table.name, table.url(file),
                                                                                     table.mirror_path(file)))
            snapshot = snapshot_of(fetched, data_dir)
            kept, pull = published_values(snapshot, *parse_or_reject(snapshot, data_dir, partial(statistical.parse, table)))
            pulls.append(pull)
            frames.append(kept)
        frame = pd.concat(frames, ignore_index=True)
        land(data_dir, table.name, {table.warehouse_table: frame}, pulls)
        units = frame.groupby("unit", dropna=False).size().rename("values").reset_index()
        return MaterializeResult(
            data_version=combined_version(pulls),
            metadata={
                "dagster/row_count": len(frame),
                "variables": int(frame["variable"].nunique()),
                "region_labels": int(frame["region_label"].nunique()),
                "years": f"{frame['year'].min()}-{frame['year'].max()}",
                "units": MetadataValue.md(units.to_markdown(index=False)),
                "data_source": sources.choice.mode,
                "preview": preview(frame),
                **pull_metadata(pulls, started),
            },
        )

    return statistical_table_raw


statistical_table_assets = [build_statistical_table_asset(t) for t in statistical.catalog().values()]
ingest_assets = [pwt_raw, wdi_raw, gapminder_raw, *statistical_table_assets]
