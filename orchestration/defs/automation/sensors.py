"""Record every failed run: which steps failed and why, in quality/run_failures.jsonl of the data folder."""

import json
from datetime import UTC, datetime

from dagster import DefaultSensorStatus, RunFailureSensorContext, run_failure_sensor

from ..resources import DataDirResource
from .run_reports import error_text


def failure_record(context: RunFailureSensorContext) -> dict:
    run = context.dagster_run
    steps = [
        {
            "step": event.step_key,
            "error": error_text(event.event_specific_data.error),
            "trace": event.event_specific_data.error.to_string() if event.event_specific_data.error else None,
        }
        for event in context.get_step_failure_events()
    ]
    return {
        "recorded_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "run_id": run.run_id,
        "job": run.job_name,
        "tags": dict(run.tags),
        "run_error": context.failure_event.message,
        "failed_steps": steps,
    }


@run_failure_sensor(
    name="record_run_failures",
    default_status=DefaultSensorStatus.RUNNING,
    description="Appends each failed run, its failed steps and their errors to quality/run_failures.jsonl "
    "in the data folder (NQPF_DATA_DIR)",
)
def record_run_failures(context: RunFailureSensorContext, data_dir: DataDirResource) -> None:
    record = failure_record(context)
    log = data_dir.paths.quality / "run_failures.jsonl"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(record, default=str) + "\n")
    context.log.error(f"run {record['run_id']} of {record['job']} failed: {[s['step'] for s in record['failed_steps']]}")
