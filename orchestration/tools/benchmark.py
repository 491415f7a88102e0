"""Benchmark a warm full refresh: wall time per stage, median of several runs, against the work itself.

    python -m orchestration.tools.benchmark [--runs 3] [--mirror ../shared/data]

Each run is the real command (``nqpf refresh --force``: the sources do not change between runs)
in a fresh process, on one data folder that a first, uncounted run has warmed (dbt manifest and
partial parse, landing snapshots, OS file cache), as the nightly refresh finds it. Then the
same number of plain ``nqpf refresh`` runs: the nightly with nothing new, which only confirms
the current version (target 10 s). Stage times come from the run's own Dagster events;
"start to first step" is from the process start to the first step. In the same run the work
itself is timed without the pipeline around it: reading every source file with plain
``pandas.read_csv``, a plain ``dbt build`` (partial parse warm, so no parse), and the SQL that
reads every relation the checks validate. The ratio of the refresh to that sum shows the
overhead.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

TARGETS = {
    "start to first step": 5.0,
    "ingest": 3.0,
    "dbt build": 12.0,
    "composite analysis": 10.0,
    "frontier programmes": 20.0,
    "checks (GX suites)": 6.0,
    "quality gate": 0.5,
    "publish": 3.0,
    "total": 30.0,
    "unchanged refresh": 10.0,
}
# The dbt Python models of the composite library (treatment to uncertainty), timed inside the dbt build.
COMPOSITE_MODELS = "model.nqpf.int_nqpf__"
COMPOSITE_LANGUAGE = "python"
# Every Malmquist and Malmquist-Luenberger programme of both panels, in one dbt Python model.
FRONTIER_MODEL = "model.nqpf.int_tfp__malmquist"


def run_refresh(data_dir: Path, mirror: str, force: bool = True) -> tuple[str, float, float]:
    """``nqpf refresh [--force]`` in a new process; returns the run id, the spawn time and the wall time."""
    env = {
        **os.environ,
        "NQPF_DATA_DIR": str(data_dir),
        "NQPF_DATA_SOURCE": mirror,
        "DAGSTER_HOME": str(data_dir / "dagster_home"),
    }
    spawned = time.time()
    command = [sys.executable, "-m", "orchestration.tools.cli", "refresh", *(["--force"] if force else [])]
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    wall = time.time() - spawned
    if done.returncode != 0:
        raise SystemExit(f"the refresh failed:\n{done.stderr[-3000:]}")
    summary = next(line for line in done.stdout.splitlines() if line.startswith("nqpf: run "))
    run_id = summary.split()[2]
    return run_id, spawned, wall


def stage_times(data_dir: Path, run_id: str, spawned: float) -> dict[str, float]:
    """Seconds per stage from the run's step events in its Dagster instance."""
    from dagster import DagsterEventType, DagsterInstance

    from ..lib.connectors.catalogue import sources

    ingest_steps = {f"{name}_raw": name for name in sources()}
    os.environ["DAGSTER_HOME"] = str(data_dir / "dagster_home")
    started, times, first = {}, defaultdict(float), None
    with DagsterInstance.get() as instance:
        for entry in instance.all_logs(run_id):
            event = entry.dagster_event
            if event is None or event.step_key is None:
                continue
            if event.event_type == DagsterEventType.STEP_START:
                started[event.step_key] = entry.timestamp
                first = entry.timestamp if first is None else min(first, entry.timestamp)
            elif event.event_type == DagsterEventType.STEP_SUCCESS:
                seconds, step = entry.timestamp - started[event.step_key], event.step_key
                if step in ingest_steps:
                    times[f"ingest {ingest_steps[step]}"] += seconds
                    times["ingest"] += seconds
                elif step.startswith("gx_"):
                    times["checks (GX suites)"] += seconds
                elif step == "nqpf_dbt_models":
                    times["dbt build"] += seconds
                elif step == "quality_gate":
                    times["quality gate"] += seconds
                elif step == "publication":
                    times["publish"] += seconds
    times["start to first step"] = first - spawned
    times.update(composite_times(data_dir, run_id))
    return dict(times)


def composite_times(data_dir: Path, run_id: str) -> dict[str, float]:
    """Seconds dbt spent in the composite library's Python models of this run (they run one after
    the other, so their times add up to the analysis's share of the build), and in the Monte
    Carlo model alone; and in the frontier model (int_tfp__malmquist)."""
    results = json.loads((data_dir / "dbt_runs" / run_id / "run_results.json").read_text())["results"]
    python = {r["unique_id"]: r["execution_time"] for r in results if r["unique_id"].startswith(COMPOSITE_MODELS)}
    manifest = json.loads((data_dir / "dbt_runs" / run_id / "manifest.json").read_text())["nodes"]
    python = {k: v for k, v in python.items() if manifest.get(k, {}).get("language") == COMPOSITE_LANGUAGE}
    monte_carlo = sum(v for k, v in python.items() if k.endswith("_unit_years"))
    frontier = sum(r["execution_time"] for r in results if r["unique_id"] == FRONTIER_MODEL)
    return {"composite analysis": sum(python.values()), "  of which Monte Carlo": monte_carlo, "frontier programmes": frontier}


def plain_read(pd, source, file: Path, bulk_preamble) -> None:
    """What reading one file costs with pandas alone (no checks, no snapshot), in its own layout."""
    layout = getattr(source, "layout", None)  # statistical tables say their encoding and layout
    if file.suffix == ".xlsx":
        pd.read_excel(file, sheet_name=[spec.sheet for spec in source.specs.values() if spec.sheet])
        return
    header = bulk_preamble(file)[0] if file.name.startswith("API_") else None
    if layout is not None and layout.kind == "nbs_export":
        header = 4  # after the three preamble lines
    pd.read_csv(file, skiprows=(header or 1) - 1, encoding=layout.encoding if layout else "utf-8")


def work_itself(data_dir: Path, mirror: Path) -> dict[str, float]:
    """The same work without the pipeline: read the files, build with dbt, read what the checks read."""
    import duckdb
    import pandas as pd

    from ..lib.connectors.catalogue import raw_tables, sources
    from ..lib.connectors.wdi.files import bulk_preamble
    from ..lib.quality.gx_suites import load_suites
    from ..lib.settings import DBT_PROJECT_DIR, EXPECTATIONS_DIR, DataPaths, dbt_environment

    work = {}
    for name, source in sources().items():
        started = time.perf_counter()
        for file in source.mirror_files(mirror):
            plain_read(pd, source, file, bulk_preamble)
        work[f"ingest {name}"] = time.perf_counter() - started
    work["ingest"] = sum(v for k, v in work.items() if k.startswith("ingest "))

    paths = DataPaths(data_dir)
    started = time.perf_counter()
    subprocess.run(
        [
            str(Path(sys.executable).with_name("dbt")),
            "build",
            "--quiet",
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(DBT_PROJECT_DIR / "target"),
        ],
        cwd=DBT_PROJECT_DIR,
        env=dbt_environment(paths),
        check=True,
    )
    work["dbt build"] = time.perf_counter() - started

    manifest = json.loads((DBT_PROJECT_DIR / "target" / "manifest.json").read_text())
    relations = {n["name"]: f"{n['schema']}.{n['name']}" for n in manifest["nodes"].values() if n["resource_type"] == "model"}
    relations |= raw_tables()
    started = time.perf_counter()
    con = duckdb.connect(str(paths.warehouse), read_only=True)
    for suite in load_suites(EXPECTATIONS_DIR):
        con.execute(f"select * from {relations[suite.asset]}").df()
    con.close()
    work["checks (GX suites)"] = time.perf_counter() - started
    return work


def main() -> None:
    from ..lib.connectors.catalogue import sources
    from ..lib.settings import DEFAULT_MIRROR_DIR

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--mirror", default=str(DEFAULT_MIRROR_DIR))
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="nqpf-bench-") as tmp:
        data_dir = Path(tmp) / "data"
        run_refresh(data_dir, args.mirror)  # warm-up, not counted
        runs, works = [], []
        for n in range(args.runs):
            run_id, spawned, wall = run_refresh(data_dir, args.mirror)
            runs.append({**stage_times(data_dir, run_id, spawned), "total": wall})
            works.append(work_itself(data_dir, Path(args.mirror)))
            print(f"run {n + 1}: " + ", ".join(f"{k} {v:.2f}s" for k, v in sorted(runs[-1].items())), flush=True)
        unchanged = [run_refresh(data_dir, args.mirror, force=False)[2] for _ in range(args.runs)]
        print("unchanged refreshes: " + ", ".join(f"{v:.2f}s" for v in unchanged), flush=True)

    def median(rows: list[dict], key: str) -> float | None:
        values = [r[key] for r in rows if key in r]
        return statistics.median(values) if values else None

    stages = [
        "start to first step",
        *(f"ingest {s}" for s in sources()),
        "ingest",
        "checks (GX suites)",
        "dbt build",
        "composite analysis",
        "  of which Monte Carlo",
        "frontier programmes",
        "quality gate",
        "publish",
        "total",
    ]
    print(f"\nWarm full refresh (`nqpf refresh`) on {args.mirror}, {args.runs} runs, seconds")
    print(f"{'stage':<28} {'median':>8} {'min':>8} {'max':>8} {'target':>8} {'work':>8} {'ratio':>7}")
    for stage in stages:
        values = [r.get(stage, 0.0) for r in runs]
        target = f"{TARGETS[stage]:8.1f}" if stage in TARGETS else f"{'':>8}"
        base = median(works, stage)
        ratio = f"{statistics.median(values) / base:6.1f}x" if base else ""
        shown = f"{base:8.2f}" if base is not None else f"{'':>8}"
        print(f"{stage:<28} {statistics.median(values):8.2f} {min(values):8.2f} {max(values):8.2f} {target} {shown} {ratio:>7}")
    print(
        f"{'unchanged refresh':<28} {statistics.median(unchanged):8.2f} {min(unchanged):8.2f} {max(unchanged):8.2f} "
        f"{TARGETS['unchanged refresh']:8.1f}"
    )
    work_total = statistics.median(w["ingest"] + w["dbt build"] + w["checks (GX suites)"] for w in works)
    total = statistics.median(r["total"] for r in runs)
    print(
        f"\nwork itself (read the files + plain dbt build + the checks' SQL): {work_total:.2f} s; "
        f"refresh / work = {total / work_total:.2f}x"
    )
    print(
        "work: pandas.read_csv of each source's mirror files; `dbt build` run directly with its partial parse warm; "
        "`select *` of every relation a GX suite validates"
    )


if __name__ == "__main__":
    main()
