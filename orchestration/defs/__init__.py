"""Every Dagster object of the code location, in the order data flows through them:
``ingest`` -> ``transform`` (dbt) -> ``quality`` (checks, gate) -> ``publish``; ``automation``
holds the job, schedule and sensor, ``resources`` what they share."""

import sys

# dbt runs as a CLI subprocess (transform/project.py); nothing in this process calls dbt-core.
# dagster-dbt imports dbt-core anyway when it can, which compiles some 500 dbt dataclasses and
# takes about 2 s of every load of the code location (every run, every `dg dev`). dagster-dbt
# also works without dbt-core in the process (its dbt Fusion mode: selection from the manifest,
# its own node-status enums), so it is shown the absence it checks for. Nothing here selects
# nodes with dbt syntax, which is the one thing that mode would need dbt-core or Fusion for.
# tests/test_definitions.py fails if this no longer holds after an upgrade.
if "dbt.version" not in sys.modules:
    sys.modules["dbt.version"] = None  # `import dbt.version` now raises ImportError, in this process only
