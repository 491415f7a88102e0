"""Every Dagster object of the code location, in the order data flows through them:
``ingest`` -> ``transform`` (dbt) -> ``quality`` (checks, gate) -> ``publish``; ``automation``
holds the job, schedule and sensor, ``resources`` what they share."""
