"""Libraries of the pipeline that stand on their own: no Dagster, no dbt, only published files as input."""
