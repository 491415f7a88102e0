"""The nightly refresh at 02:00 UTC, on by default so an unattended deployment runs it."""

from dagster import DefaultScheduleStatus, ScheduleDefinition

from .jobs import full_refresh_job

nightly_full_refresh = ScheduleDefinition(
    name="nightly_full_refresh",
    job=full_refresh_job,
    cron_schedule="0 2 * * *",
    execution_timezone="UTC",
    default_status=DefaultScheduleStatus.RUNNING,
    description="Full refresh every night at 02:00 UTC; a failed check stops publication.",
)
