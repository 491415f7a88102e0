"""Benchmark a full refresh: wall time per stage, median of several runs, against baselines.

    python -m orchestration.benchmark [--runs 3] [--mirror ../shared/data]

Each run starts from an empty data folder and runs the same in-process job as the nightly
schedule. Stage times come from Dagster's step events, ingest per source. Baselines, timed
in the same run: reading each source's files with plain ``pandas.read_csv`` (the floor for
its ingest: no schema checks, snapshots or warehouse) and running `dbt build` directly on
the finished warehouse (the floor for the dbt stage, without Dagster), whose own timings
(run_results.json) split the dbt stage into layers.
"""

import argparse
import contextlib
import io
import json
import statistics
import subprocess
import tempfile
import time
from collections import defaultdict
from pathlib import Path

SOURCES = ("pwt", "wdi", "gapminder", "china_techme", "china_capital_stock")
STAGES = (*(f"ingest {s}" for s in SOURCES), "ingest", "dbt build", "checks", "publish")
DBT_LAYERS = ("seeds", "staging", "intermediate", "marts/core", "marts/tfp", "marts/nqpf", "marts/china", "tests")


def stage_of(step_key: str, check_steps: set[str]) -> str | None:
    if step_key.endswith("_raw"):
        return f"ingest {step_key.removesuffix('_raw')}"
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
    times["ingest"] = sum(times[f"ingest {s}"] for s in SOURCES)
    return {**{s: times[s] for s in STAGES}, "total": total}


def source_files(mirror: Path) -> dict[str, list[Path]]:
    """The mirror files each source's ingest reads, as the indicator systems ask for them."""
    from .indicator_system import required_codes
    from .sources import gapminder, statistical, worldbank
    from .sources.pwt import PWT

    return {
        "pwt": [mirror / PWT.mirror_path],
        "wdi": [worldbank.locate_metadata(mirror).path] + [worldbank.locate(c, mirror).path for c in required_codes("wdi")],
        "gapminder": [mirror / "gapminder" / gapminder.ENTITIES_FILE]
                     + [mirror / "gapminder" / gapminder.datapoints_file(c) for c in gapminder.concepts()],
        **{name: [mirror / table.mirror_path(f) for f in table.files] for name, table in statistical.catalog().items()},
    }


def dbt_layer(node: str, manifest: dict) -> str | None:
    entry = manifest["nodes"].get(node, {})
    if entry.get("resource_type") in ("seed", "test"):
        return entry["resource_type"] + "s"
    folder = "/".join(Path(entry.get("original_file_path", "")).parts[1:-1])
    return next((layer for layer in DBT_LAYERS if folder.startswith(layer)), None)


def baselines(data_dir: Path, mirror: str) -> tuple[dict[str, float], dict[str, float]]:
    import os

    import pandas as pd

    from .settings import DATA_DIR_ENV, DBT_PROJECT_DIR
    from .sources import worldbank

    floors = {}
    for source, files in source_files(Path(mirror)).items():
        started = time.perf_counter()
        for file in files:
            pd.read_csv(file, skiprows=worldbank.bulk_preamble(file)[0] - 1 if file.name.startswith("API_") else 0)
        floors[f"ingest {source}"] = time.perf_counter() - started
    floors["ingest"] = sum(floors[f"ingest {s}"] for s in SOURCES)
    env = {**os.environ, DATA_DIR_ENV: str(data_dir)}
    target = data_dir / "dbt_baseline"
    started = time.perf_counter()
    subprocess.run(["dbt", "build", "--quiet", "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(target)],
                   cwd=DBT_PROJECT_DIR, env=env, check=True)
    floors["dbt build"] = time.perf_counter() - started
    manifest = json.loads((target / "manifest.json").read_text())
    layers = defaultdict(float)
    for result in json.loads((target / "run_results.json").read_text())["results"]:
        layers[dbt_layer(result["unique_id"], manifest) or "other"] += result["execution_time"]
    return floors, dict(layers)


def main() -> None:
    from .settings import DEFAULT_MIRROR_DIR

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--mirror", default=str(DEFAULT_MIRROR_DIR))
    args = parser.parse_args()

    from .project import prepare_manifest

    prepare_manifest()
    runs, floors, layers = [], [], []
    for n in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="nqpf-bench-") as tmp:
            runs.append(one_refresh(Path(tmp) / "data", args.mirror))
            floor, layer = baselines(Path(tmp) / "data", args.mirror)
            floors.append(floor)
            layers.append(layer)
        print(f"run {n + 1}: " + ", ".join(f"{k} {v:.2f}s" for k, v in runs[-1].items()), flush=True)

    print(f"\nFull refresh on {args.mirror}, median of {args.runs} runs (seconds)")
    print(f"{'stage':<26} {'median':>8} {'min':>8} {'max':>8} {'baseline':>9} {'ratio':>7}")
    for stage in (*STAGES, "total"):
        values = [r[stage] for r in runs]
        base = statistics.median(f[stage] for f in floors) if stage in floors[0] else None
        ratio = f"{statistics.median(values) / base:6.1f}x" if base else ""
        shown = f"{base:9.3f}" if base else f"{'-':>9}"
        print(f"{stage:<26} {statistics.median(values):8.2f} {min(values):8.2f} {max(values):8.2f} {shown} {ratio:>7}")
    print("\nbaselines: ingest = pandas.read_csv of the same files; dbt build = `dbt build` run directly")
    print("\n`dbt build` run directly, by layer (sum of node execution times, median; 2 threads overlap)")
    for layer in (*DBT_LAYERS, "other"):
        values = [run.get(layer, 0.0) for run in layers]
        if any(values):
            print(f"  {layer:<14} {statistics.median(values):8.2f}")


if __name__ == "__main__":
    main()
