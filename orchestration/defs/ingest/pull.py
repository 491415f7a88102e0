"""The Dagster side of a pull: connector errors become step outcomes, a pull becomes metadata."""

import time
from collections.abc import Callable, Iterator
from typing import Any

from dagster import AssetExecutionContext, AssetKey, DataVersion, Failure, MaterializeResult, MetadataValue, RetryRequested

from ...lib.connectors.errors import SourceError, SourceSchemaError, SourceUnavailableError
from ...lib.connectors.landing import PullResult, landed_frames
from ...lib.connectors.source import Source
from ...lib.settings import DataPaths
from ..previews import frame_preview
from ..resources import DataSourceResource


def run_pull(context: AssetExecutionContext, sources: DataSourceResource, pull: Callable[[], PullResult]) -> PullResult:
    """Run a pull, or stop the step saying why.

    An unreachable endpoint asks Dagster to retry the whole step with exponential backoff
    (``sources.step_retries``, on top of the per-request HTTP retries); a missing mirror file
    or a bad file is final, since the same bytes would fail again.
    """
    try:
        return pull()
    except SourceUnavailableError as exc:
        if sources.choice.online and context.retry_number < sources.step_retries:
            wait = sources.step_retry_delay_s * 2**context.retry_number
            context.log.warning(f"{exc}; retrying the step in {wait:g} s")
            raise RetryRequested(max_retries=sources.step_retries, seconds_to_wait=wait) from exc
        raise Failure(description=str(exc), allow_retries=False) from exc
    except SourceSchemaError as exc:
        kept = {"snapshot": exc.snapshot.snapshot, "sha256": exc.snapshot.sha256} if exc.snapshot else {}
        raise Failure(description=str(exc), allow_retries=False, metadata=kept) from exc
    except SourceError as exc:  # e.g. a seed or catalogue entry that cannot be used
        raise Failure(description=str(exc), allow_retries=False) from exc


def ingest_results(
    context: AssetExecutionContext, source: Source, result: PullResult, paths: DataPaths, data_source: str, started: float
) -> Iterator[MaterializeResult]:
    """One materialization per raw table of the source, with what was pulled and a preview.

    A source that was not reloaded (the same files, parsed by the same code) carries its table
    summaries and previews over from its last materialization instead of reading them again.
    """
    pulls = ["| table | origin | sha256 | snapshot | rows | remarks |", "|---|---|---|---|---|---|"] + [
        f"| {p.table} | {p.snapshot.origin} | {p.snapshot.sha256[:12]} | {p.snapshot.snapshot_status} | {p.rows} | {p.detail} |"
        for p in result.pulls
    ]
    shared = {
        "data_source": data_source,
        "files": len(result.pulls),
        "new_snapshots": sum(p.snapshot.snapshot_status == "new" for p in result.pulls),
        "reloaded": result.reloaded,
        "pulls": MetadataValue.md("\n".join(pulls)),
        "duration_s": round(time.perf_counter() - started, 3),
    }
    carried = {} if result.reloaded else _last_metadata(context, source)
    frames = result.frames
    if frames is None and len(carried) < len(source.tables):
        frames = landed_frames(source, paths)
    for table in source.tables:
        if frames is None:
            described = carried[table.asset]
        else:
            frame = frames[table.table]
            described = {
                "dagster/row_count": len(frame),
                "table": table.table,
                **{name: _metadata_value(value) for name, value in source.summary(table, frame).items()},
                "preview": frame_preview(frame, table.preview_columns, table.preview_order),
            }
        yield MaterializeResult(
            asset_key=table.asset,
            data_version=DataVersion(result.data_version),
            metadata={**described, **shared},
        )


def _last_metadata(context: AssetExecutionContext, source: Source) -> dict[str, dict[str, Any]]:
    """Per raw table of ``source``: the table's own metadata from its last materialization (if any)."""
    own = {"data_source", "files", "new_snapshots", "reloaded", "pulls", "duration_s"}
    events = context.instance.get_latest_materialization_events([AssetKey(t.asset) for t in source.tables])
    carried = {}
    for table in source.tables:
        event = events.get(AssetKey(table.asset))
        if event is not None and event.asset_materialization is not None:
            carried[table.asset] = {k: v for k, v in event.asset_materialization.metadata.items() if k not in own}
    return carried


def _metadata_value(value: Any) -> Any:
    """Plain values from a connector's summary, shown as Dagster would best render them."""
    if isinstance(value, str) and "\n" in value:
        return MetadataValue.md(value)
    if isinstance(value, list | dict):
        return MetadataValue.json(value)
    return value
