"""Benchmark the index marts far beyond today's data: a synthetic system of 1M, 10M and 30M observations.

    python -m orchestration.tools.bench_scale [--sizes 1M 10M 30M] [--peer-timeout 900] [--work DIR]

For each size, in the same run:
1. ``orchestration.lib.synthetic.generate`` writes the system (units x 20 years x 25 indicators,
   5% missing, 0.1% outliers, 8 regions; seeded);
2. the real dbt project builds every model and test up to the index marts (``INDEX_MARTS``) on
   the ``synthetic`` target, in a fresh process: the same SQL and Python the nightly runs; this
   ``--runs`` times (3 by default), and the table gives the median with the fastest and slowest,
   after ``--warmup`` builds (1 by default) that are reported but not counted: at 30M the first
   build after the bench's peer took 113 s, the next two 71 s and 62 s, with two to three times
   their kernel time (76 s against 25-37 s), as the machine hands back the memory the peer and
   the generator used (``make bench`` warms its folder the same way);
3. the pandas peer (``orchestration.tools.pandas_peer``) computes the same index, TOPSIS, coupling
   and Dagum Gini from the same files, in a fresh process, and is stopped after ``--peer-timeout``;
4. both are compared (largest difference of the index and of the Gini), so the figures are of
   two computations that agree.
Wall time is the process's, from start to exit (dbt's parse included); peak memory is the
process's maximum resident set size (``wait4``), the largest of the runs. The ratio is the
peer's time over the pipeline's median. The peer runs once: it is the slow side, and the ratio
only needs it bounded. dbt parses once for all sizes (partial parse kept
in the work folder), as a scheduled run finds it.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from orchestration.lib.settings import DBT_PROJECT_DIR, numeric_settings
from orchestration.lib.synthetic import Shape, generate

# The marts of the index and their whole upstream: panel, treatment, weights, element scores,
# index with TOPSIS and coupling, disparities (the Monte Carlo and variants are left out: the
# synthetic system sets uncertainty_runs to 0).
INDEX_MARTS = (
    "mart_nqpf_panel",
    "mart_nqpf_treatment",
    "mart_nqpf_indicator_weights",
    "mart_nqpf_element_scores",
    "mart_nqpf_index",
    "mart_nqpf_disparities",
)
# The singular test that recomputes the Dagum Gini from every pair of units is n^2 by design
# (18 s at 1M observations, hours at 30M): here the pandas peer's pairwise Gini checks the same.
PAIRWISE_TEST = "dagum_sorted_sums_equal_the_pairwise_definition"
YEARS, INDICATORS = 20, 25
SIZES = {"1M": 2_000, "10M": 20_000, "30M": 60_000}  # units, at 20 years x 25 indicators
TARGETS = {"seconds": 60.0, "peak_gib": 6.0, "ratio": 5.0}  # at 30M observations, 2 cores


def shape_of(size: str) -> Shape:
    return Shape(units=SIZES[size], years=YEARS, indicators=INDICATORS)


def dbt_build(directory: Path, target_path: Path) -> list[str]:
    """The dbt command that builds the index marts of the synthetic system in ``directory``."""
    selection = [f"+{mart}" for mart in INDEX_MARTS]
    dbt = str(Path(sys.executable).with_name("dbt"))
    return [
        *(dbt, "build", "--target", "synthetic", "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(target_path)),
        *("--select", *selection, "--exclude", PAIRWISE_TEST),
    ]


def measured(command: list[str], env: dict, timeout: float | None = None) -> dict:
    """Run ``command``; its wall time, peak resident memory (GiB), exit code, output, and whether it was stopped."""
    with tempfile.TemporaryFile() as log:
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, cwd=DBT_PROJECT_DIR, stdout=log, stderr=subprocess.STDOUT)
        stopper = threading.Timer(timeout, process.kill) if timeout else None
        if stopper:
            stopper.start()
        _, status, usage = os.wait4(process.pid, 0)  # the child's own rusage: its peak memory
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        timed_out = bool(stopper) and not stopper.is_alive() and process.returncode < 0
        if stopper:
            stopper.cancel()
        log.seek(0)
        output = log.read().decode(errors="replace")
    return {
        "seconds": seconds,
        "peak_gib": usage.ru_maxrss / 2**20,  # kilobytes on Linux
        "returncode": process.returncode,
        "timed_out": timed_out,
        "output": output,
    }


def run_size(size: str, work: Path, peer_timeout: float, runs: int, warmup: int = 1) -> dict:
    directory = work / size
    shutil.rmtree(directory, ignore_errors=True)
    started = time.perf_counter()
    rows = generate(directory, shape_of(size))
    generated = time.perf_counter() - started
    # the pipeline with the NumPy and allocator settings of the nightly's dbt; the peer as a script
    # runs, with the defaults (without huge pages its many 50 MB pairwise arrays took three times
    # as long: 579 s against 195 s at 10M)
    env = {**os.environ, "NQPF_SYNTHETIC_DIR": str(directory)}
    builds = []
    for _ in range(warmup + runs):  # each a full build: dbt replaces every table
        build = measured(dbt_build(directory, work / "target"), {**env, **numeric_settings()})
        if build["returncode"] != 0:
            raise SystemExit(f"the dbt build of {size} failed:\n{build['output'][-4000:]}")
        builds.append({"seconds": build["seconds"], "peak_gib": build["peak_gib"], "models": _model_seconds(work / "target")})
    pipeline = summarised(builds, warmup)
    peer_command = [sys.executable, "-m", "orchestration.tools.pandas_peer", str(directory), str(directory / "peer")]
    peer = measured(peer_command, env, timeout=peer_timeout)
    if peer["returncode"] != 0 and not peer["timed_out"]:
        raise SystemExit(f"the pandas peer of {size} failed:\n{peer['output'][-4000:]}")
    result = {
        "size": size,
        "observations": rows["observations"],
        "generated": generated,
        "pipeline": pipeline,
        "warmup": [b["seconds"] for b in builds[:warmup]],
        "peer": peer,
    }
    if not peer["timed_out"]:
        result["difference"] = compare(directory)
    return result


def summarised(builds: list[dict], warmup: int = 0) -> dict:
    """The runs of one size after the first ``warmup``: median, fastest and slowest wall time, median
    of dbt's own time; and the largest peak memory of all of them (the target is a ceiling, which
    holds for a warm-up build too)."""
    counted = builds[warmup:]
    seconds = [b["seconds"] for b in counted]
    return {
        "seconds": float(np.median(seconds)),
        "fastest": min(seconds),
        "slowest": max(seconds),
        "models": float(np.median([b["models"] for b in counted])),
        "peak_gib": max(b["peak_gib"] for b in builds),
        "runs": len(counted),
    }


def _model_seconds(target: Path) -> float:
    """dbt's own time for the models and tests (its run_results), without its start and parse."""
    return json.loads((target / "run_results.json").read_text())["elapsed_time"]


def compare(directory: Path) -> dict[str, float]:
    """Largest absolute difference between the marts and the peer: index columns, and the Gini parts."""
    with duckdb.connect(str(directory / "warehouse.duckdb"), read_only=True) as con:
        index = con.sql("select * from marts.mart_nqpf_index").df()
        disparities = con.sql("select * from marts.mart_nqpf_disparities").df()
    peer_index = pd.read_parquet(directory / "peer" / "index.parquet")
    peer_disparities = pd.read_parquet(directory / "peer" / "disparities.parquet")
    both = index.merge(peer_index, on=["geo_code", "year"], suffixes=("", "_peer"), validate="1:1")
    gini = disparities.merge(peer_disparities, on=["year", "measure"], suffixes=("", "_peer"), validate="1:1")
    if len(both) != len(index) or len(both) != len(peer_index) or len(gini) != len(disparities):
        raise SystemExit(f"{directory}: the marts and the peer cover different unit-years or years")
    index_columns = ["nqpf_index", "topsis_closeness", "coupling_coordination", "laborers_score"]
    gini_columns = ["gini", "gini_within", "gini_between", "gini_transvariation"]
    return {
        "index": max(float(np.max(np.abs(both[c] - both[f"{c}_peer"]))) for c in index_columns),
        "rank": int(np.max(np.abs(both["nqpf_rank"] - both["nqpf_rank_peer"]))),
        "gini": max(float(np.max(np.abs(gini[c] - gini[f"{c}_peer"]))) for c in gini_columns),
    }


def report(results: list[dict], peer_timeout: float) -> str:
    lines = [
        "| observations | pipeline wall (median, fastest-slowest) | dbt models+tests | peak memory | pandas peer | peer memory | peer / pipeline | largest difference |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        pipeline, peer = r["pipeline"], r["peer"]
        if peer["timed_out"]:
            peer_time, ratio, difference = (
                f"> {peer_timeout:.0f} s (stopped)",
                f"> {peer_timeout / pipeline['seconds']:.1f}x",
                "n/a",
            )
        else:
            peer_time, ratio = f"{peer['seconds']:.1f} s", f"{peer['seconds'] / pipeline['seconds']:.1f}x"
            d = r["difference"]
            difference = f"index {d['index']:.1e}, rank {d['rank']}, Gini {d['gini']:.1e}"
        lines.append(
            f"| {r['observations']:,} ({r['size']}) | {pipeline['seconds']:.1f} s ({pipeline['fastest']:.1f}-{pipeline['slowest']:.1f}, {pipeline['runs']} run{'s' if pipeline['runs'] > 1 else ''})"
            f" | {pipeline['models']:.1f} s | {pipeline['peak_gib']:.2f} GiB"
            f" | {peer_time} | {peer['peak_gib']:.2f} GiB | {ratio} | {difference} |"
        )
    lines.append(
        f"Targets at 30M on 2 cores: <= {TARGETS['seconds']:.0f} s, <= {TARGETS['peak_gib']:.0f} GB, >= {TARGETS['ratio']:.0f}x the peer."
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=list(SIZES), choices=list(SIZES))
    parser.add_argument("--peer-timeout", type=float, default=900.0, help="seconds before the pandas peer is stopped")
    parser.add_argument("--runs", type=int, default=3, help="builds of the pipeline per size (the median is reported)")
    parser.add_argument("--warmup", type=int, default=1, help="builds before them, reported but not counted")
    parser.add_argument("--work", type=Path, default=Path("data/bench_scale"), help="folder for the generated systems")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.warmup < 0:
        parser.error("--runs must be at least 1 and --warmup at least 0")
    args.work = args.work.resolve()
    results = []
    for size in args.sizes:
        print(f"{size}: generating and building ...", file=sys.stderr, flush=True)
        results.append(run_size(size, args.work, args.peer_timeout, args.runs, args.warmup))
        r = results[-1]
        warmup = ", ".join(f"{seconds:.1f} s" for seconds in r["warmup"]) or "none"
        print(
            f"{size}: generated in {r['generated']:.1f} s, warm-up {warmup} (not counted), "
            f"pipeline {r['pipeline']['seconds']:.1f} s, peer {r['peer']['seconds']:.1f} s",
            file=sys.stderr,
            flush=True,
        )
    print(report(results, args.peer_timeout))


if __name__ == "__main__":
    main()
