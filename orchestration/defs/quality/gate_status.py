"""Whether every blocking check passed on the data as it is now.

Dagster already skips downstream steps when a blocking check fails within a run. The gate
also covers runs that start further down (publishing alone from the UI): it reads each
check's latest evaluation from the Dagster instance and accepts it only if it passed and
evaluated the asset's latest materialization. Two batched queries serve every check.
"""

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

from dagster import AssetCheckKey, DagsterInstance
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecordStatus

COMPLETED = {AssetCheckExecutionRecordStatus.SUCCEEDED, AssetCheckExecutionRecordStatus.FAILED}


@dataclass(frozen=True)
class CheckStatus:
    asset: str
    check: str
    passed: bool
    run_id: str | None
    evaluated_at: float | None
    problem: str | None  # why this check does not clear the gate; None when it does

    def as_dict(self) -> dict:
        record = asdict(self)
        if self.evaluated_at is not None:
            record["evaluated_at"] = datetime.fromtimestamp(self.evaluated_at, UTC).isoformat(timespec="seconds")
        return record


def _latest_completed(instance: DagsterInstance, keys: list[AssetCheckKey]) -> dict:
    storage = instance.event_log_storage
    latest = dict(storage.get_latest_asset_check_execution_by_key(keys))
    for key, record in list(latest.items()):
        # A check planned in a run that stopped upstream stays PLANNED and says nothing about
        # the data: look further back for its latest completed evaluation.
        if record.status not in COMPLETED:
            completed = storage.get_asset_check_execution_history(key, limit=1, status=COMPLETED)
            latest[key] = completed[0] if completed else None
    return latest


def check_statuses(instance: DagsterInstance, check_keys: Iterable[AssetCheckKey]) -> list[CheckStatus]:
    keys = sorted(check_keys, key=lambda k: (k.asset_key.to_user_string(), k.name))
    records = _latest_completed(instance, keys)
    materializations = instance.get_latest_materialization_events({k.asset_key for k in keys})
    statuses = []
    for key in keys:
        asset, name, record = key.asset_key.to_user_string(), key.name, records.get(key)
        if record is None or record.event is None:
            statuses.append(CheckStatus(asset, name, False, None, None, "has not been evaluated"))
            continue
        evaluation = record.event.dagster_event.asset_check_evaluation_data
        latest, target = materializations.get(key.asset_key), evaluation.target_materialization_data
        problem = None
        if not evaluation.passed:
            problem = f"failed in run {record.run_id}"
        elif latest is None or target is None or target.run_id != latest.run_id:
            problem = "passed on an older materialization; the current data has not been checked"
        statuses.append(CheckStatus(asset, name, evaluation.passed, record.run_id, record.create_timestamp, problem))
    return statuses


def gate_problems(statuses: list[CheckStatus]) -> list[str]:
    return [f"{s.asset} / {s.check}: {s.problem}" for s in statuses if s.problem]
