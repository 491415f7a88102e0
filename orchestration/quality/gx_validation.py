"""Validate a DataFrame against a Great Expectations 1.x suite kept as JSON in ``expectations/``.

GX runs on pandas DataFrames (its SQLAlchemy path does not work with DuckDB). Results go to
a filesystem store under ``data/quality/gx`` (one JSON per suite and run) and are rendered
as GX Data Docs under ``data/quality/data_docs``. GX is imported lazily: it takes seconds.
"""

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

# GX reports usage unless told not to; the pipeline runs offline and unattended.
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")


@dataclass(frozen=True)
class SuiteFile:
    """A suite as stored in ``expectations/<name>.json``, with the table it guards."""

    path: Path
    suite: dict[str, Any]

    @property
    def name(self) -> str:
        return self.suite["name"]

    @property
    def asset(self) -> str:
        return self.suite["meta"]["nqpf"]["asset"]

    @property
    def table(self) -> str:
        return self.suite["meta"]["nqpf"]["table"]

    @property
    def description(self) -> str:
        return self.suite["meta"]["nqpf"].get("description", "")


def load_suites(directory: Path) -> list[SuiteFile]:
    return [SuiteFile(path, json.loads(path.read_text())) for path in sorted(directory.glob("*.json"))]


@dataclass
class ValidationOutcome:
    success: bool
    evaluated: int
    failed: list[dict[str, Any]] = field(default_factory=list)
    result_json: Path | None = None
    data_docs_page: Path | None = None
    data_docs_index: Path | None = None


def _context(quality_dir: Path):
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        FilesystemStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=FilesystemStoreBackendDefaults(root_directory=str(quality_dir / "gx")),
        data_docs_sites={
            "local_site": {
                "class_name": "SiteBuilder",
                "show_how_to_buttons": False,
                "store_backend": {"class_name": "TupleFilesystemStoreBackend",
                                  "base_directory": str(quality_dir / "data_docs")},
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            }
        },
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
    )
    return gx.get_context(project_config=config, mode="ephemeral")


def validate_frame(frame: pd.DataFrame, suite_file: SuiteFile, quality_dir: Path, run_name: str) -> ValidationOutcome:
    """Run the suite on ``frame``; keep the result as JSON and render it in Data Docs."""
    import great_expectations as gx
    from great_expectations.core.expectation_suite import ExpectationSuite
    from great_expectations.core.run_identifier import RunIdentifier

    context = _context(quality_dir)
    name = suite_file.name
    batch = (
        context.data_sources.add_or_update_pandas(f"{name}_frames")
        .add_dataframe_asset(name)
        .add_batch_definition_whole_dataframe("whole_table")
    )
    suite = context.suites.add_or_update(ExpectationSuite(**suite_file.suite))
    validation = context.validation_definitions.add_or_update(gx.ValidationDefinition(name=name, data=batch, suite=suite))
    checkpoint = context.checkpoints.add_or_update(
        gx.Checkpoint(
            name=name,
            validation_definitions=[validation],
            actions=[gx.checkpoint.UpdateDataDocsAction(name="update_data_docs")],
            result_format={"result_format": "SUMMARY", "partial_unexpected_count": 5},
        )
    )
    result = checkpoint.run(batch_parameters={"dataframe": frame}, run_id=RunIdentifier(run_name=run_name))
    (identifier, validation_result), = result.run_results.items()
    parts = identifier.to_tuple()
    return ValidationOutcome(
        success=bool(validation_result.success),
        evaluated=len(validation_result.results),
        failed=[_describe_failure(r) for r in validation_result.results if not r.success],
        result_json=quality_dir.joinpath("gx", "uncommitted", "validations", *parts[:-1], f"{parts[-1]}.json"),
        data_docs_page=quality_dir.joinpath("data_docs", "validations", *parts[:-1], f"{parts[-1]}.html"),
        data_docs_index=quality_dir / "data_docs" / "index.html",
    )


def _describe_failure(result) -> dict[str, Any]:
    config = result.expectation_config
    kwargs = {k: v for k, v in config.kwargs.items() if k != "batch_id"}
    details = result.result or {}
    failure = {"expectation": config.type, "kwargs": kwargs}
    for key in ("observed_value", "unexpected_count", "unexpected_percent", "partial_unexpected_list"):
        if key in details:
            failure[key] = details[key]
    if result.exception_info and result.exception_info.get("raised_exception"):
        failure["exception"] = result.exception_info.get("exception_message")
    return failure


def failures_markdown(failed: list[dict[str, Any]]) -> str:
    lines = ["| expectation | arguments | observed |", "|---|---|---|"]
    for f in failed:
        observed = {k: f[k] for k in f if k not in ("expectation", "kwargs")}
        lines.append(f"| {f['expectation']} | `{json.dumps(f['kwargs'], default=str)}` | `{json.dumps(observed, default=str)}` |")
    return "\n".join(lines)
