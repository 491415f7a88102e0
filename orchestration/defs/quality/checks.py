"""Great Expectations suites as blocking Dagster asset checks.

Every suite in ``expectations/`` guards the asset its ``meta.nqpf.asset`` names; the relation
it validates comes from the connector catalogue (raw tables) or the dbt manifest (models).
Suites on raw tables run in one step right after ingest, before dbt; suites on dbt models in
one step after dbt. Each suite keeps its own check: result, metadata and blocking behaviour
per asset, as separate ``@asset_check``s would, at the cost of one GX context per run.
"""

import json
from collections.abc import Iterator
from pathlib import Path

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetChecksDefinition,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetKey,
    MetadataValue,
    multi_asset_check,
)

from ...lib.connectors.catalogue import raw_table_sources, raw_tables
from ...lib.quality.gx_suites import Suite, load_suites
from ...lib.quality.reuse import keep_result, raw_identities, reusable_result
from ...lib.settings import EXPECTATIONS_DIR, DataPaths
from ..resources import DataDirResource, GreatExpectationsResource, RefreshLockResource
from ..transform.dbt import model_relations


def check_name(suite: Suite) -> str:
    return f"gx_{suite.name}"


SAMPLE_ROWS = 3  # offending rows quoted per failed expectation (the quality page has up to five)


def failed_expectations(result: dict) -> list[dict]:
    """The failed expectations of a suite's result: what was expected, what was observed, a few rows."""
    return [
        {
            "expectation": e["expectation"],
            "column": e["column"],
            "observed": e["observed"],
            "expected": e["kwargs"],
            "rows": e["unexpected_rows"][:SAMPLE_ROWS],
        }
        for e in result["expectations"]
        if not e["success"]
    ]


def _text(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)  # Chinese stays Chinese


def failures_markdown(failed: list[dict]) -> str:
    lines = ["| expectation | column | observed | expected | offending rows |", "|---|---|---|---|---|"]
    for f in failed:
        rows = "; ".join(_text(r) for r in f["rows"])
        lines.append(
            f"| {f['expectation']} | {f['column'] or ''} | `{_text(f['observed'])}` | `{_text(f['expected'])}` | {rows} |"
        )
    return "\n".join(lines)


def results_dir(paths: DataPaths, run_id: str) -> Path:
    return paths.quality / "gx" / run_id


def run_results(paths: DataPaths, run_id: str) -> list[dict]:
    """Every suite's validation result of the run, in suite order."""
    return [json.loads(f.read_text(encoding="utf-8")) for f in sorted(results_dir(paths, run_id).glob("*.json"))]


def write_quality_page(paths: DataPaths, run_id: str) -> Path:
    """The run's data-quality page so far (every suite validated yet), beside its results."""
    from ...lib.report.quality import build_quality_page  # loads with the run, not the code location

    return build_quality_page(run_results(paths, run_id), results_dir(paths, run_id))


def build_suite_checks(
    name: str, suites: list[Suite], relations: dict[str, str], raw_sources: dict[str, str] | None = None
) -> AssetChecksDefinition:
    """One step validating ``suites``. With ``raw_sources`` (raw asset -> source), a suite whose raw
    table holds the very snapshots it last validated, loaded by the same code, keeps that result
    instead of validating again: the same bytes and the same suite give the same answer."""

    @multi_asset_check(
        name=name,
        specs=[
            AssetCheckSpec(
                check_name(suite),
                asset=AssetKey(suite.asset),
                blocking=True,
                description=f"Great Expectations suite `{suite.path.name}`: {suite.description}",
            )
            for suite in suites
        ],
    )
    def _checks(
        context: AssetCheckExecutionContext,
        data_dir: DataDirResource,
        gx: GreatExpectationsResource,
        refresh_lock: RefreshLockResource,  # held for the whole run (one refresh per data folder)
    ) -> Iterator[AssetCheckResult]:
        paths = data_dir.paths
        folder = results_dir(paths, context.run.run_id)
        folder.mkdir(parents=True, exist_ok=True)
        identities = raw_identities(paths, {s.name: s for s in suites}, raw_sources) if raw_sources else {}
        results = {suite.name: reusable_result(paths, suite, identities.get(suite.name)) for suite in suites}
        due = [suite for suite in suites if results[suite.name] is None]
        for suite, result in zip(due, gx.validate(paths.warehouse, [(relations[s.asset], s) for s in due]), strict=True):
            result["run_id"] = context.run.run_id
            keep_result(paths, suite, identities.get(suite.name), result)
            results[suite.name] = result
        validated = []
        for suite in suites:
            result = results[suite.name]
            saved = folder / f"{suite.name}.json"
            saved.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
            validated.append((suite, result, saved))
        page = write_quality_page(paths, context.run.run_id)  # before the results, so that their link opens
        for suite, result, saved in validated:
            failed = failed_expectations(result)
            metadata = {
                "relation": result["relation"],
                "rows_validated": result["rows_validated"],
                "expectations_evaluated": len(result["expectations"]),
                "expectations_failed": len(failed),
                "validation_result": MetadataValue.path(str(saved)),
                "quality_page": MetadataValue.path(str(page)),
                "validated_in_run": result["run_id"],  # an earlier run's when the table and suite are unchanged
            }
            if failed:
                metadata["failures"] = MetadataValue.md(failures_markdown(failed))
                metadata["failed_expectations"] = MetadataValue.json(failed)  # what the run summary quotes
                context.log.error(f"{suite.name}: {len(failed)} expectation(s) failed:\n{failures_markdown(failed)}")
            yield AssetCheckResult(
                asset_key=suite.asset,
                check_name=check_name(suite),
                passed=result["success"],
                severity=AssetCheckSeverity.ERROR,
                metadata=metadata,
            )

    return _checks


def build_gx_checks(directory: Path = EXPECTATIONS_DIR) -> list[AssetChecksDefinition]:
    """Two steps: the suites on raw tables (before dbt), and those on dbt models."""
    suites, raw, models = load_suites(directory), raw_tables(), model_relations()
    unknown = [s.path.name for s in suites if s.asset not in raw and s.asset not in models]
    if unknown:
        raise ValueError(f"expectation suites guard assets that do not exist: {', '.join(unknown)}")
    return [
        # after refresh_inputs: a refresh that finds nothing changed skips them with dbt
        build_suite_checks("gx_raw_suites", [s for s in suites if s.asset in raw], raw, raw_sources=raw_table_sources()),
        build_suite_checks("gx_model_suites", [s for s in suites if s.asset in models], models),
    ]
