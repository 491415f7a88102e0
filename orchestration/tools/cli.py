"""`nqpf`: the main job from a shell (what `make run` and cron call).

    nqpf refresh            materialize every asset, run every check, publish (nothing new: confirm)
    nqpf refresh --force    rebuild and publish even when nothing changed
    nqpf refresh --verbose  also print the stack traces of failed steps (always kept in the run log)
    nqpf prepare            only bring the dbt manifest up to date and set up the Dagster instance
    nqpf diff OLD NEW       what changed between two publications (version names, folders or `latest`)

Runs are recorded in the Dagster instance at $DAGSTER_HOME (default data/dagster_home), so
they appear in the UI next to scheduled ones. Failures print what failed and why, without a
traceback, and exit non-zero.
"""

import argparse
import json
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


def refresh(force: bool = False, verbose: bool = False) -> int:
    from ..lib.refresh_lock import RefreshLock

    holder = RefreshLock(data_paths().root).busy()
    if holder is not None:  # the run's own lock (RefreshLockResource) is what counts; this only says it early
        print(f"nqpf: the data folder {data_paths().root} is in use by {holder}; not starting", file=sys.stderr)
        return 3
    ensure_dagster_home()
    # Start the GX worker first: it imports Great Expectations on the other core while this
    # process loads the definitions and ingests (see lib/quality/validator.py).
    from ..lib.quality.validator import VALIDATOR

    VALIDATOR.start()
    from dagster import DagsterInstance

    from ..definitions import defs  # brings the dbt manifest up to date if a dbt file changed
    from ..defs.automation.run_reports import failure_summary
    from ..defs.ingest.inputs import OUTCOME_TAG
    from ..lib.publication_diff import changes_report
    from ..lib.publishing import latest_version

    job = defs.resolve_job_def("full_refresh")
    with DagsterInstance.get() as instance:
        result = job.execute_in_process(
            instance=instance,
            raise_on_error=False,
            run_config={
                "loggers": {"console": {"config": {"log_level": "INFO", "tracebacks": verbose}}},
                **({"ops": {"refresh_inputs": {"config": {"force": True}}}} if force else {}),
            },
        )
        tags = instance.get_run_by_id(result.run_id).tags
    VALIDATOR.shutdown()  # the GX worker ends with the run, not some moments after this process
    latest = latest_version(data_paths().publish)
    if result.success and tags.get(OUTCOME_TAG) == "unchanged":
        print(f"\nnqpf: run {result.run_id} found nothing changed; confirmed {latest} (no new version)")
        return 0
    if result.success:
        print(f"\nnqpf: run {result.run_id} succeeded; published {latest}")
        changes = json.loads((latest / "manifest.json").read_text()).get("changes")
        if changes:
            print(changes_report(changes))
        for line in failure_summary(result.all_events):  # on success only warnings remain (the audit's flags)
            print(f"  - {line}")
        return 0
    print(f"\nnqpf: run {result.run_id} FAILED. Nothing was published.", file=sys.stderr)
    for line in failure_summary(result.all_events):
        print(f"  - {line}", file=sys.stderr)
    print(f"  data/publish/latest still points at {latest or 'nothing (no publication yet)'}", file=sys.stderr)
    return 1


def version_folder(name: str) -> Path:
    """A publication by version name (under publish/versions), `latest`, or a folder path."""
    publish = data_paths().publish
    for candidate in (publish / name if name == "latest" else publish / "versions" / name, Path(name)):
        if (candidate / "manifest.json").is_file():
            return candidate.resolve()
    raise SystemExit(
        f"nqpf diff: no publication {name!r} (neither {publish / 'versions' / name} nor a folder with manifest.json)"
    )


def diff(old: str, new: str) -> int:
    import json

    from ..lib.publication_diff import changes_report, version_changes

    before, after = version_folder(old), version_folder(new)
    manifests = [json.loads((folder / "manifest.json").read_text()) for folder in (before, after)]
    print(f"{before.name} -> {after.name}")
    print(changes_report(version_changes(before, manifests[0], after, manifests[1], revisions_dir=None)))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="nqpf", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("refresh", help="materialize every asset, run every check, publish")
    run.add_argument("--force", action="store_true", help="rebuild and publish even when nothing changed")
    run.add_argument("--verbose", action="store_true", help="print the stack traces of failed steps on the console too")
    commands.add_parser("prepare", help="bring the dbt manifest up to date, set up the Dagster instance")
    compare = commands.add_parser("diff", help="what changed between two publications")
    compare.add_argument("old")
    compare.add_argument("new")
    args = parser.parse_args(argv)
    if args.command == "prepare":
        prepare()
        return 0
    if args.command == "diff":
        return diff(args.old, args.new)
    return refresh(force=args.force, verbose=args.verbose)


if __name__ == "__main__":
    sys.exit(main())
