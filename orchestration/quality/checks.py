"""One blocking Dagster asset check per GX suite in ``expectations/``.

Adding a suite file adds a check: the suite's ``meta.nqpf`` names the asset it guards and
the warehouse table to validate.
"""

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetChecksDefinition,
    AssetCheckSeverity,
    AssetKey,
    MetadataValue,
    asset_check,
)

from ..resources import DataDirResource
from ..settings import EXPECTATIONS_DIR
from ..warehouse import read_table
from .gx_validation import SuiteFile, failures_markdown, load_suites, validate_frame


def build_gx_asset_check(suite_file: SuiteFile) -> AssetChecksDefinition:
    @asset_check(
        asset=AssetKey(suite_file.asset),
        name=f"gx_{suite_file.name}",
        blocking=True,
        description=f"Great Expectations suite `{suite_file.path.name}` on `{suite_file.table}`. {suite_file.description}",
    )
    def _check(context: AssetCheckExecutionContext, data_dir: DataDirResource) -> AssetCheckResult:
        with data_dir.warehouse(read_only=True) as con:
            frame = read_table(con, suite_file.table)
        outcome = validate_frame(frame, suite_file, data_dir.paths.quality, run_name=context.run.run_id)
        metadata = {
            "rows_validated": len(frame),
            "expectations_evaluated": outcome.evaluated,
            "expectations_failed": len(outcome.failed),
            "validation_result": MetadataValue.path(str(outcome.result_json)),
            "data_docs": MetadataValue.url(f"file://{outcome.data_docs_page}"),
            "data_docs_index": MetadataValue.url(f"file://{outcome.data_docs_index}"),
        }
        if outcome.failed:
            metadata["failures"] = MetadataValue.md(failures_markdown(outcome.failed))
            context.log.error(f"{suite_file.name}: {len(outcome.failed)} expectation(s) failed:\n{failures_markdown(outcome.failed)}")
        return AssetCheckResult(passed=outcome.success, severity=AssetCheckSeverity.ERROR, metadata=metadata)

    return _check


def build_gx_asset_checks() -> list[AssetChecksDefinition]:
    return [build_gx_asset_check(suite) for suite in load_suites(EXPECTATIONS_DIR)]
