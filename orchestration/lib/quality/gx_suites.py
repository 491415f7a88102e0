"""Great Expectations 1.x suites kept as JSON in ``expectations/``, validated on DataFrames.

GX runs on pandas DataFrames (its SQLAlchemy path does not work with DuckDB). One ephemeral
GX context serves a whole process; each suite is validated on the current rows of the
relation that holds its asset (the caller resolves it from the dbt manifest or the connector
catalogue). A result is a plain dict, ready for JSON, the asset check's metadata and the
quality page:

    {"suite", "asset", "relation", "success", "rows_validated", "evaluated_at",
     "expectations": [{"expectation", "column", "kwargs", "success", "observed", "unexpected_rows"}]}

GX is imported lazily (it takes seconds): see ``validator.py`` for where that happens.
"""

import json
import math
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from ..warehouse import connect

# GX reports usage unless told not to; the pipeline runs offline and unattended.
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

SAMPLE_ROWS = 5
# Columns that let a person find an offending row: its key, and for raw tables the file and line.
ROW_IDENTIFIERS = (
    "system_id",
    "economy_code",
    "geo_code",
    "province_code",
    "indicator_id",
    "indicator_code",
    "region_label",
    "variable",
    "year",
    "source_file",
    "source_line",
)


@dataclass(frozen=True)
class Suite:
    """A suite as stored in ``expectations/<name>.json``; ``meta.nqpf.asset`` names what it guards."""

    path: Path
    definition: dict[str, Any]

    @classmethod
    def read(cls, path: Path) -> "Suite":
        return cls(path, json.loads(path.read_text(encoding="utf-8")))

    @property
    def name(self) -> str:
        return self.definition["name"]

    @property
    def asset(self) -> str:
        return self.definition["meta"]["nqpf"]["asset"]

    @property
    def description(self) -> str:
        return self.definition["meta"]["nqpf"].get("description", "")


def load_suites(directory: Path) -> list[Suite]:
    return [Suite.read(path) for path in sorted(directory.glob("*.json"))]


@cache
def _context():
    import great_expectations as gx
    from great_expectations.data_context.types.base import DataContextConfig, InMemoryStoreBackendDefaults, ProgressBarsConfig

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
    )
    context = gx.get_context(project_config=config, mode="ephemeral")
    return context, context.data_sources.add_pandas("frames")


def warm_up() -> None:
    """Import GX and build the context (seconds), so that the first validation does not wait for it."""
    _context()


def validate_relations(warehouse: Path, checks: Iterable[tuple[str, Suite]]) -> Iterator[dict[str, Any]]:
    """Validate the current rows of each ``(relation, suite)``, in order, over one read-only connection."""
    with connect(warehouse, read_only=True) as con:
        for relation, suite in checks:
            yield validate_frame(read_for_suite(con, relation, suite), suite, relation)


def read_for_suite(con, relation: str, suite: Suite):
    """The rows of ``relation`` with only the columns the suite needs: those its expectations name
    and those that identify an offending row. Every expectation here is on one column or on the
    row count, so the result is the same as on the whole table, and reading it is much cheaper
    (converting unused text columns to pandas was most of the checks' time)."""
    available = [d[0] for d in con.execute(f"select * from {relation} limit 0").description]
    named = {e["kwargs"]["column"] for e in suite.definition["expectations"] if "column" in e.get("kwargs", {})}
    columns = [c for c in available if c in named or c in ROW_IDENTIFIERS] or available
    selected = ", ".join(f'"{c}"' for c in columns)
    return con.execute(f"select {selected} from {relation}").df()


def validate_frame(frame, suite: Suite, relation: str) -> dict[str, Any]:
    from great_expectations.core.expectation_suite import ExpectationSuite

    context, frames = _context()
    asset = frames.add_dataframe_asset(f"{suite.name}_{len(frames.assets)}")
    batch = asset.add_batch_definition_whole_dataframe("whole").get_batch(batch_parameters={"dataframe": frame})
    identifiers = [c for c in ROW_IDENTIFIERS if c in frame.columns]
    expectations = ExpectationSuite(name=suite.name, expectations=suite.definition["expectations"])
    validation = batch.validate(
        expectations,
        result_format={
            "result_format": "SUMMARY",
            "partial_unexpected_count": SAMPLE_ROWS,
            "unexpected_index_column_names": identifiers,
        },
    )
    frames.delete_asset(asset.name)  # the frame is not kept alive by the context
    return {
        "suite": suite.name,
        "asset": suite.asset,
        "relation": relation,
        "success": bool(validation.success),
        "rows_validated": len(frame),
        "evaluated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "expectations": [_describe(result, identifiers) for result in validation.results],
    }


def _describe(result, identifiers: list[str]) -> dict[str, Any]:
    config = result.expectation_config
    kwargs = {k: v for k, v in config.kwargs.items() if k not in ("batch_id", "column")}
    details = result.result or {}
    if "observed_value" in details:
        observed = details["observed_value"]
    elif "unexpected_count" in details:
        observed = {"unexpected_count": details["unexpected_count"], "unexpected_percent": details.get("unexpected_percent")}
    else:
        observed = None
    if result.exception_info and result.exception_info.get("raised_exception"):
        observed = {"exception": result.exception_info.get("exception_message")}
    rows = [_plain_row(row, identifiers) for row in (details.get("partial_unexpected_index_list") or [])[:SAMPLE_ROWS]]
    return {
        "expectation": config.type,
        "column": config.kwargs.get("column"),
        "kwargs": _plain(kwargs),
        "success": bool(result.success),
        "observed": _plain(observed),
        "unexpected_rows": rows,
    }


def _plain_row(row: Any, identifiers: list[str]) -> dict[str, Any]:
    """An offending row: the columns that identify it first, then the value that failed."""
    if not isinstance(row, dict):
        return {"index": _plain(row)}
    ordered = [k for k in identifiers if k in row] + [k for k in row if k not in identifiers]
    return {k: _plain(row[k]) for k in ordered}


def _plain(value: Any) -> Any:
    """JSON-ready values: numpy scalars as numbers, NaN as None, containers recursively."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
