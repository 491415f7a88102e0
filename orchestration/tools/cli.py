"""`nqpf`: the main job from a shell (what `make run` and cron call).

    nqpf refresh   materialize every asset, run every check, publish
    nqpf prepare   only bring the dbt manifest up to date and set up the Dagster instance

Runs are recorded in the Dagster instance at $DAGSTER_HOME (default data/dagster_home), so
they appear in the UI next to scheduled ones. Failures print what failed and why, without a
traceback, and exit non-zero.
"""

import argparse
import os
import shutil
import sys
from pathlib import Path

from ..lib.settings import PROJECT_ROOT, data_paths

INSTANCE_TEMPLATE = PROJECT_ROOT / "orchestration" / "dagster.yaml"


def ensure_dagster_home() -> Path:
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(data_paths().root / "dagster_home")))
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "dagster.yaml").exists():
        shutil.copyfile(INSTANCE_TEMPLATE, home / "dagster.yaml")
    return home


def prepare() -> None:
    from ..lib.dbt_manifest import ensure_manifest

    ensure_manifest(data_paths())
    ensure_dagster_home()


def refresh() -> int:
    ensure_dagster_home()
    # Start the GX worker first: it imports Great Expectations on the other core while this
    # process loads the definitions and ingests (see lib/quality/validator.py).
    from ..lib.quality.validator import VALIDATOR

    VALIDATOR.start()
    from dagster import DagsterInstance

    from ..definitions import defs  # brings the dbt manifest up to date if a dbt file changed
    from ..defs.automation.run_reports import failure_summary
    from ..lib.publishing import latest_version

    job = defs.resolve_job_def("full_refresh")
    with DagsterInstance.get() as instance:
        result = job.execute_in_process(
            instance=instance,
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}},
        )
    latest = latest_version(data_paths().publish)
    if result.success:
        print(f"\nnqpf: run {result.run_id} succeeded; published {latest}")
        return 0
    print(f"\nnqpf: run {result.run_id} FAILED. Nothing was published.", file=sys.stderr)
    for line in failure_summary(result.all_events):
        print(f"  - {line}", file=sys.stderr)
    print(f"  data/publish/latest still points at {latest or 'nothing (no publication yet)'}", file=sys.stderr)
    return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="nqpf", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["refresh", "prepare"])
    args = parser.parse_args(argv)
    if args.command == "prepare":
        prepare()
        return 0
    return refresh()


if __name__ == "__main__":
    sys.exit(main())
