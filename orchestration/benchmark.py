"""Benchmark a full refresh: wall time per stage, median of several runs, against baselines.

    python -m orchestration.benchmark [--runs 3] [--mirror ../shared/data]

Each run starts from an empty data folder and runs the same in-process job as the nightly
schedule. Stage times come from Dagster's step events. Baselines, timed in the same run:
reading the PWT file with plain pandas (the floor for ingest) and running `dbt build`
directly on the finished warehouse (the floor for the dbt stage, without Dagster).
"""

import argparse
import contextlib
import io
import statistics
import subprocess
import tempfile
import time
from collections import defaultdict
from pathlib import Path

STAGES = ("ingest", "dbt build", "checks", "publish")


def stage_of(step_key: str, check_steps: set[str]) -> str | None:
    if step_key.endswith("_raw"):
        return "ingest"
    if step_key == "nqpf_dbt_models":
        return "dbt build"
    if step_key in check_steps or step_key == "quality_gate":
        return "checks"
    if step_key == "publication":
        return "publish"
    return None


def one_refresh(data_dir: Path, mirror: str) -> dict[str, float]:
    from dagster import DagsterEventType, DagsterInstance, materialize

    from .definitions import all_assets, build_resources, gx_checks

    check_steps = {f"{c.key.asset_key.to_python_identifier()}_{c.key.name}" for check in gx_checks for c in check.check_specs}
    instance = DagsterInstance.ephemeral()
    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):  # dbt's log, relayed by dagster-dbt
        result = materialize([*all_assets, *gx_checks], resources=build_resources(data_dir, mirror), instance=instance,
                             run_config={"loggers": {"console": {"config": {"log_level": "ERROR"}}}})
    total = time.perf_counter() - started
    begun, times = {}, defaultdict(float)
    for entry in instance.all_logs(result.run_id):
        event = entry.dagster_event
        if event is None or event.step_key is None:
            continue
        if event.event_type == DagsterEventType.STEP_START:
            begun[event.step_key] = entry.timestamp
        elif event.event_type == DagsterEventType.STEP_SUCCESS:
            stage = stage_of(event.step_key, check_steps)
            if stage:
                times[stage] += entry.timestamp - begun[event.step_key]
    return {**{s: times[s] for s in STAGES}, "total": total}


def baselines(data_dir: Path, mirror: str) -> dict[str, float]:
    import os

    import pandas as pd

    from .settings import DATA_DIR_ENV, DBT_PROJECT_DIR
    from .sources.pwt import PWT

    started = time.perf_counter()
    pd.read_csv(Path(mirror) / PWT.mirror_path)
    read_csv = time.perf_counter() - started
    env = {**os.environ, DATA_DIR_ENV: str(data_dir)}
    started = time.perf_counter()
    subprocess.run(["dbt", "build", "--quiet", "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path",
                    str(data_dir / "dbt_baseline")], cwd=DBT_PROJECT_DIR, env=env, check=True)
    return {"ingest": read_csv, "dbt build": time.perf_counter() - started}


def main() -> None:
    from .settings import DEFAULT_MIRROR_DIR

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--mirror", default=str(DEFAULT_MIRROR_DIR))
    args = parser.parse_args()

    from .project import prepare_manifest

    prepare_manifest()
    runs, floors = [], []
    for n in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="nqpf-bench-") as tmp:
            runs.append(one_refresh(Path(tmp) / "data", args.mirror))
            floors.append(baselines(Path(tmp) / "data", args.mirror))
        print(f"run {n + 1}: " + ", ".join(f"{k} {v:.2f}s" for k, v in runs[-1].items()), flush=True)

    print(f"\nFull refresh on {args.mirror}, median of {args.runs} runs (seconds)")
    print(f"{'stage':<10} {'median':>8} {'min':>8} {'max':>8} {'baseline':>9} {'ratio':>7}")
    for stage in (*STAGES, "total"):
        values = [r[stage] for r in runs]
        base = statistics.median(f[stage] for f in floors) if stage in floors[0] else None
        ratio = f"{statistics.median(values) / base:6.1f}x" if base else ""
        shown = f"{base:9.2f}" if base else f"{'-':>9}"
        print(f"{stage:<10} {statistics.median(values):8.2f} {min(values):8.2f} {max(values):8.2f} {shown} {ratio:>7}")
    print("\nbaselines: ingest = pandas.read_csv of the PWT file alone; dbt build = `dbt build` run directly")


if __name__ == "__main__":
    main()
