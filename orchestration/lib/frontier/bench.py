"""Benchmark: every nightly frontier programme on synthetic panels of the production sizes.

    python -m orchestration.lib.frontier.bench [--workers 2] [--runs 3] [--baseline-periods 2]

Two seeded synthetic panels shaped like the production inputs: a cross-country panel
(180 economies x 70 years, like the Penn World Table: 1 output, 2 inputs, 1 bad) and a
provincial one (31 provinces x 20 years). The computation timed is what the nightly refresh
runs on both: ``malmquist(returns="vrs")`` (which solves every constant and every variable
returns programme) and ``malmquist_luenberger`` (weak disposability). It prints the median wall
time of ``--runs`` runs with ``--workers`` processes, and the CPU time of one more run in a
single process: wall times move with whatever else the machine runs, the CPU time much less.

Baseline: the same programmes of the cross-country panel's first ``--baseline-periods``
reference technologies are also solved one by one with ``scipy.optimize.linprog(method="highs")``
(the same HiGHS, with scipy's per-call model set-up and no warm start), and with this package's
warm-started, stacked batches, both in this one process; it prints the time per programme of
each, their ratio, and the largest difference between the two sets of optimal values.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np
import pandas as pd
from scipy.optimize import linprog

from .distance import directional_batch, radial_output_batch
from .lp import LpBatch, solve_batch
from .luenberger import malmquist_luenberger
from .malmquist import malmquist

INPUTS, OUTPUTS, BADS = ["capital", "labour"], ["gdp"], ["co2"]


def synthetic_panel(n_units: int, n_periods: int, seed: int) -> pd.DataFrame:
    """A balanced panel from a Cobb-Douglas frontier with technical progress and half-normal inefficiency.

    Sizes span three orders of magnitude, as economies do, so that scaling problems would show.
    """
    rng = np.random.default_rng(seed)
    size = rng.lognormal(mean=0.0, sigma=1.5, size=n_units)
    capital_intensity = rng.lognormal(mean=0.0, sigma=0.5, size=n_units)
    years = np.arange(n_periods)
    growth = rng.normal(0.02, 0.03, size=(n_periods, n_units)).cumsum(axis=0)
    labour = size * np.exp(0.01 * years[:, None] + rng.normal(0, 0.02, (n_periods, n_units)))
    capital = labour * capital_intensity * np.exp(growth)
    technology = np.exp(0.015 * years)[:, None]
    inefficiency = np.abs(rng.normal(0, 0.3, (n_periods, n_units)))
    gdp = technology * capital**0.4 * labour**0.6 * np.exp(-inefficiency)
    co2_intensity = rng.lognormal(0, 0.4, n_units) * np.exp(-0.01 * years[:, None] + rng.normal(0, 0.1, (n_periods, n_units)))
    return pd.DataFrame(
        {
            "unit": np.tile([f"u{i:03d}" for i in range(n_units)], n_periods),
            "year": np.repeat(2000 + years, n_units),
            "capital": capital.ravel(),
            "labour": labour.ravel(),
            "gdp": gdp.ravel(),
            "co2": (gdp * co2_intensity).ravel(),
        }
    )


def nightly(panels: list[pd.DataFrame], workers: int) -> list[pd.DataFrame]:
    """The frontier computations of one refresh."""
    results = []
    for panel in panels:
        results.append(malmquist(panel, "unit", "year", INPUTS, OUTPUTS, returns="vrs", workers=workers))
        results.append(malmquist_luenberger(panel, "unit", "year", INPUTS, OUTPUTS, BADS, workers=workers))
    return results


def count_programmes(panel: pd.DataFrame) -> int:
    """Programmes of one model family (within-period per unit-period, two cross-period per unit-pair)."""
    n_periods = panel["year"].nunique()
    n_units = panel["unit"].nunique()
    return n_units * n_periods + 2 * n_units * (n_periods - 1)


def _matrices(panel: pd.DataFrame, year) -> dict[str, np.ndarray]:
    rows = panel[panel["year"] == year]
    return {"x": rows[INPUTS].to_numpy(), "y": rows[OUTPUTS].to_numpy(), "b": rows[BADS].to_numpy()}


def baseline_batches(panel: pd.DataFrame, n_reference_periods: int) -> list[LpBatch]:
    """The programmes the nightly run solves against the first reference technologies (within and both neighbours)."""
    years = sorted(panel["year"].unique())
    batches = []
    for k in range(n_reference_periods):
        reference = _matrices(panel, years[k])
        neighbours = [_matrices(panel, years[j]) for j in (k - 1, k, k + 1) if 0 <= j < len(years)]
        evaluated = {name: np.concatenate([n[name] for n in neighbours]) for name in ("x", "y", "b")}
        for returns in ("crs", "vrs"):
            batches.append(radial_output_batch(evaluated["x"], evaluated["y"], reference["x"], reference["y"], returns))
        batches.append(
            directional_batch(
                evaluated["x"],
                evaluated["y"],
                evaluated["b"],
                reference["x"],
                reference["y"],
                reference["b"],
                "weak_disposability",
            )
        )
    return batches


def solve_with_linprog(batch: LpBatch) -> np.ndarray:
    """Each programme of the batch as its own scipy.optimize.linprog call (the baseline)."""
    n_rows, n_reference = batch.reference_rows.shape
    scores = np.full(batch.size, np.nan)
    bounds = [(None, None)] + [(0, None)] * n_reference
    cost = np.r_[-1.0, np.zeros(n_reference)]
    for e in range(batch.size):
        matrix = np.column_stack([batch.score_coefficients[e], batch.reference_rows])
        lower, upper = batch.row_lower[e], batch.row_upper[e]
        equal = lower == upper
        upper_rows = ~equal & np.isfinite(upper)
        lower_rows = ~equal & np.isfinite(lower)
        a_ub = np.vstack([matrix[upper_rows], -matrix[lower_rows]])
        b_ub = np.r_[upper[upper_rows], -lower[lower_rows]]
        solved = linprog(
            cost,
            A_ub=a_ub if len(b_ub) else None,
            b_ub=b_ub if len(b_ub) else None,
            A_eq=matrix[equal] if equal.any() else None,
            b_eq=lower[equal] if equal.any() else None,
            bounds=bounds,
            method="highs",
        )
        if solved.status == 0:
            scores[e] = -solved.fun
    return scores


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=2, help="worker processes for the programmes (default 2)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs; the median is reported (default 3)")
    parser.add_argument("--baseline-periods", type=int, default=2, help="reference periods solved with linprog (default 2)")
    parser.add_argument("--seed", type=int, default=20240601)
    args = parser.parse_args(argv)

    panels = [synthetic_panel(180, 70, args.seed), synthetic_panel(31, 20, args.seed + 1)]
    # Malmquist CRS + VRS and ML: three families of programmes per panel.
    programmes = sum(3 * count_programmes(panel) for panel in panels)
    print(f"panels: 180 units x 70 periods and 31 units x 20 periods; {programmes} programmes per run, {args.workers} worker(s)")
    # Wall times depend on what else the machine runs: say so next to them.
    print(f"CPUs available: {len(os.sched_getaffinity(0))}; load average before the runs: {os.getloadavg()[0]:.2f}")

    times = []
    for run in range(args.runs):
        start = time.perf_counter()
        results = nightly(panels, args.workers)
        times.append(time.perf_counter() - start)
        print(f"run {run + 1}: {times[-1]:.2f} s")
    not_optimal = sum(int((result["status"] != "optimal").sum()) for result in results)
    median = statistics.median(times)
    print(
        f"median of {args.runs} runs: {median:.2f} s ({median / programmes * 1e6:.0f} us per programme); pairs not optimal: {not_optimal}"
    )
    # The work itself, whatever else the machine is doing: one run in this process, CPU seconds.
    start_cpu, start = time.process_time(), time.perf_counter()
    serial = nightly(panels, 1)
    cpu, wall = time.process_time() - start_cpu, time.perf_counter() - start
    identical = all(a.equals(b) for a, b in zip(results, serial, strict=True))
    print(f"one process: {cpu:.2f} CPU s ({wall:.2f} s wall); same results as with {args.workers} worker(s): {identical}")

    batches = baseline_batches(panels[0], args.baseline_periods)
    subset = sum(batch.size for batch in batches)
    start = time.perf_counter()
    warm = [solve_batch(batch).score for batch in batches]
    warm_time = time.perf_counter() - start
    start = time.perf_counter()
    cold = [solve_with_linprog(batch) for batch in batches]
    scipy_time = time.perf_counter() - start
    difference = max(float(np.nanmax(np.abs(w - c), initial=0.0)) for w, c in zip(warm, cold, strict=True))
    same_feasibility = all(np.array_equal(np.isnan(w), np.isnan(c)) for w, c in zip(warm, cold, strict=True))
    print(
        f"baseline on {subset} programmes, one process: warm-started highspy {warm_time / subset * 1e6:.0f} us, "
        f"scipy linprog {scipy_time / subset * 1e6:.0f} us per programme; ratio {scipy_time / warm_time:.1f}x; "
        f"max |difference| {difference:.1e}; same infeasible set: {same_feasibility}"
    )
    print(f"the whole run through linprog would take about {scipy_time / subset * programmes:.0f} s in one process")


if __name__ == "__main__":
    main()
