"""The quality gate asset: publication starts only after every blocking check has passed."""

from collections.abc import Sequence

from dagster import (
    AssetCheckKey,
    AssetExecutionContext,
    AssetKey,
    AssetsDefinition,
    Failure,
    MaterializeResult,
    MetadataValue,
    asset,
)

from ..resources import RefreshLockResource
from .gate_status import check_statuses, gate_problems


def build_quality_gate(upstream: Sequence[AssetKey], guarded_checks: Sequence[AssetCheckKey]) -> AssetsDefinition:
    @asset(
        name="quality_gate",
        group_name="quality",
        deps=list(upstream),
        kinds={"great_expectations", "dbt"},
        description=(
            "Passes only when every blocking check upstream (Great Expectations suites and dbt "
            "tests) passed on the current materialization of the asset it guards."
        ),
        metadata={"guarded_checks": MetadataValue.json(sorted(k.to_user_string() for k in guarded_checks))},
    )
    def quality_gate(
        context: AssetExecutionContext,
        refresh_lock: RefreshLockResource,  # held for the whole run (one refresh per data folder)
    ) -> MaterializeResult:
        statuses = check_statuses(context.instance, guarded_checks)
        problems = gate_problems(statuses)
        if problems:
            raise Failure(
                description="quality gate closed, nothing will be published:\n" + "\n".join(problems), allow_retries=False
            )
        table = "\n".join(
            ["| asset | check | run |", "|---|---|---|"] + [f"| {s.asset} | {s.check} | {s.run_id} |" for s in statuses]
        )
        return MaterializeResult(metadata={"checks_passed": len(statuses), "checks": MetadataValue.md(table)})

    return quality_gate
