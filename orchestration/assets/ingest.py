"""Ingest assets: fetch a public table, keep an immutable snapshot, land it in the warehouse."""

import time

from dagster import (
    AssetExecutionContext,
    AssetsDefinition,
    Backoff,
    Config,
    DataVersion,
    Failure,
    MaterializeResult,
    MetadataValue,
    RetryPolicy,
    asset,
)
from pydantic import Field

from ..resources import DataDirResource, DataSourceResource
from ..sources.errors import SourceSchemaError, SourceUnavailableError
from ..sources.pwt import PWT
from ..sources.snapshots import record_pull, take_snapshot
from ..sources.spec import FileSource
from ..sources.tables import read_table
from ..warehouse import load_raw_table

# Network steps retry with backoff on top of the per-request HTTP retries; schema errors
# are raised with allow_retries=False because the same bytes would fail again.
NETWORK_RETRY = RetryPolicy(max_retries=2, delay=10, backoff=Backoff.EXPONENTIAL)


class FileSourceConfig(Config):
    url: str | None = Field(default=None, description="Override the official download URL (.xlsx, .dta or .csv)")


def build_file_ingest_asset(spec: FileSource) -> AssetsDefinition:
    @asset(
        name=f"{spec.name}_raw",
        group_name="ingest",
        kinds={"python", "duckdb"},
        retry_policy=NETWORK_RETRY,
        description=f"{spec.title}, landed verbatim (typed) in `{spec.warehouse_table}`. {spec.citation}. Licence {spec.licence}.",
        metadata={"source_url": MetadataValue.url(spec.url), "mirror_path": spec.mirror_path,
                  "table": spec.warehouse_table},
    )
    def _ingest(context: AssetExecutionContext, config: FileSourceConfig, sources: DataSourceResource,
                data_dir: DataDirResource) -> MaterializeResult:
        started = time.perf_counter()
        try:
            fetched = sources.fetch(spec.name, config.url or spec.url, spec.mirror_path)
        except SourceUnavailableError as exc:
            # Only the network deserves another try; a missing mirror file will still be missing.
            raise Failure(description=str(exc), allow_retries=sources.choice.online) from exc
        try:
            snapshot = take_snapshot(fetched, data_dir.paths.landing)
        finally:
            if fetched.temporary:
                fetched.path.unlink(missing_ok=True)
        context.log.info(f"{spec.name}: {snapshot.snapshot_status} snapshot {snapshot.sha256[:12]} from {snapshot.origin}")
        try:
            table = read_table(snapshot.path, spec.schema, display_name=snapshot.origin)
        except SourceSchemaError as exc:
            record_pull(data_dir.paths.landing, snapshot, None, "rejected", str(exc))
            raise Failure(description=str(exc), allow_retries=False,
                          metadata={"snapshot": snapshot.snapshot, "sha256": snapshot.sha256}) from exc
        rows = len(table.frame)
        with data_dir.warehouse() as con:
            load_raw_table(con, spec.warehouse_table, table.frame, snapshot, rows, table.extra_columns)
        detail = f"extra columns: {', '.join(table.extra_columns)}" if table.extra_columns else ""
        record_pull(data_dir.paths.landing, snapshot, rows, "landed", detail)
        if table.extra_columns:
            context.log.warning(f"{spec.name}: extra columns kept as text: {', '.join(table.extra_columns)}")
        return MaterializeResult(
            data_version=DataVersion(snapshot.sha256),
            metadata={
                "dagster/row_count": rows,
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
                "preview": MetadataValue.md(table.frame.head(10).to_markdown(index=False)),
                "duration_s": round(time.perf_counter() - started, 3),
            },
        )

    return _ingest


pwt_raw = build_file_ingest_asset(PWT)
