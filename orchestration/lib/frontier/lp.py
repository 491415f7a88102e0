"""Warm-started HiGHS linear programmes: the one place that talks to the solver.

Every frontier programme of this package has the same shape. For one reference technology with
``n`` reference units and one evaluated unit ``e``::

    maximise    score
    subject to  row_lower_i(e) <= sum_j A_ij lambda_j + a_i(e) * score <= row_upper_i(e)
                lambda_j >= 0,   score free

``A`` holds the reference units' data and is the same for every evaluated unit; only the row
bounds and the score column ``a(e)`` depend on ``e``. So the programme is handed to HiGHS once
per reference technology, and between evaluated units only those numbers are changed. HiGHS
then restarts its dual simplex from the previous optimal basis, which for programmes that
differ in a handful of coefficients takes a few iterations rather than a solve from scratch.
That, and skipping ``scipy.optimize.linprog``'s model set-up on every call, is what makes the
~100k programmes of a nightly refresh affordable (see ``bench.py``).

Several programmes are stacked into one block-diagonal LP per HiGHS run (``_StackedLp``), and
batches for different reference technologies are solved in parallel worker processes
(``solve_batches``).
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.context
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import highspy
import numpy as np

OPTIMAL = "optimal"

# The model statuses a caller needs to tell apart; anything else is reported by HiGHS's own name.
_STATUS_NAMES = {
    highspy.HighsModelStatus.kOptimal: OPTIMAL,
    highspy.HighsModelStatus.kInfeasible: "infeasible",
    highspy.HighsModelStatus.kUnbounded: "unbounded",
    highspy.HighsModelStatus.kUnboundedOrInfeasible: "unbounded_or_infeasible",
}

# HiGHS's feasibility tolerances default to 1e-7 in absolute terms. The data are rescaled to
# means of one before they get here (see distance.py), and tighter tolerances keep the optimal
# values within 1e-9 of an exact solution at no measurable cost for programmes this small.
_SOLVER_OPTIONS = {
    "output_flag": False,
    # Presolve would rebuild the programme on every solve and throw away the basis we restart from.
    "presolve": "off",
    "solver": "simplex",
    # One thread per programme; parallelism is across reference technologies (solve_batches).
    "threads": 1,
    "primal_feasibility_tolerance": 1e-10,
    "dual_feasibility_tolerance": 1e-10,
}


# Programmes per HiGHS run (see _StackedLp): measured on the benchmark panels, 8-32 are
# about equally fast and about 1.5x faster than one programme per run.
STACKED_PROGRAMMES = 10


@dataclass(frozen=True)
class LpBatch:
    """The programmes of several evaluated units against one reference technology.

    reference_rows: (n_rows, n_reference) matrix ``A``, one column per reference unit.
    score_coefficients: (n_evaluated, n_rows) coefficient of the score variable in each row.
    row_lower, row_upper: (n_evaluated, n_rows) row bounds; use ``numpy.inf`` for none.
    """

    reference_rows: np.ndarray
    score_coefficients: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray

    @property
    def size(self) -> int:
        return self.score_coefficients.shape[0]


@dataclass(frozen=True)
class LpSolutions:
    """Optimal scores (NaN unless status is "optimal") and one HiGHS status per programme."""

    score: np.ndarray
    status: np.ndarray


def _highs_bounds(values: np.ndarray) -> np.ndarray:
    return np.clip(values, -highspy.kHighsInf, highspy.kHighsInf)


class _StackedLp:
    """``copies`` independent programmes of one batch side by side in one block-diagonal LP.

    Block k has its own score column and intensities; the objective is the sum of the scores,
    so (the blocks sharing nothing) the LP is optimal exactly when every block is. One HiGHS
    run then solves ``copies`` programmes, which spreads HiGHS's fixed cost per run (setting up
    the simplex, checking the solution) over them. Between runs only the blocks' bounds and
    score coefficients change, and HiGHS restarts from the previous basis.
    """

    def __init__(self, batch: LpBatch, copies: int):
        n_rows, n_reference = batch.reference_rows.shape
        self.batch, self.copies, self.n_rows = batch, copies, n_rows
        width = n_reference + 1
        self.score_columns = (np.arange(copies) * width).tolist()
        lp = highspy.HighsLp()
        lp.num_col_ = copies * width
        lp.num_row_ = copies * n_rows
        lp.sense_ = highspy.ObjSense.kMaximize
        lp.col_cost_ = np.tile(np.r_[1.0, np.zeros(n_reference)], copies)
        lp.col_lower_ = np.tile(np.r_[-highspy.kHighsInf, np.zeros(n_reference)], copies)
        lp.col_upper_ = np.full(copies * width, highspy.kHighsInf)
        lp.row_lower_ = np.tile(_highs_bounds(batch.row_lower[0]), copies)
        lp.row_upper_ = np.tile(_highs_bounds(batch.row_upper[0]), copies)
        # Column-wise, dense within a block. Every row of a block gets an explicit score entry
        # so that changing it later modifies an existing matrix entry.
        block = np.column_stack([batch.score_coefficients[0], batch.reference_rows])
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = np.arange(0, copies * block.size + 1, n_rows, dtype=np.int32)
        block_rows = np.tile(np.arange(n_rows, dtype=np.int32), width)
        lp.a_matrix_.index_ = np.concatenate([block_rows + k * n_rows for k in range(copies)]).astype(np.int32)
        lp.a_matrix_.value_ = np.tile(block.T.ravel(), copies).astype(float)
        self.solver = highspy.Highs()
        for name, value in _SOLVER_OPTIONS.items():
            self.solver.setOptionValue(name, value)
        self.solver.passModel(lp)
        self.rows = np.arange(copies * n_rows, dtype=np.int32)
        self.lower = _highs_bounds(batch.row_lower)
        self.upper = _highs_bounds(batch.row_upper)
        # Only rows whose score coefficient differs between evaluated units are touched (outputs, bads).
        self.varying = np.flatnonzero((batch.score_coefficients != batch.score_coefficients[0]).any(axis=0)).tolist()
        self.coefficients = batch.score_coefficients.tolist()

    def solve(self, programmes: np.ndarray) -> tuple[str, np.ndarray]:
        """Solve the given programmes (``copies`` indices into the batch); status of the whole LP, scores."""
        solver = self.solver
        solver.changeRowsBounds(len(self.rows), self.rows, self.lower[programmes].ravel(), self.upper[programmes].ravel())
        for k, e in enumerate(programmes.tolist()):
            for row in self.varying:
                solver.changeCoeff(k * self.n_rows + row, self.score_columns[k], self.coefficients[e][row])
        run_status = solver.run()
        model_status = solver.getModelStatus()
        if run_status == highspy.HighsStatus.kError:
            status = "solver_error"
        else:
            status = _STATUS_NAMES.get(model_status) or solver.modelStatusToString(model_status).lower().replace(" ", "_")
        if status != OPTIMAL:
            # An infeasible or unbounded run still leaves a valid basis to restart from; after
            # anything else (an error, a limit) start the next run afresh.
            if status not in ("infeasible", "unbounded"):
                solver.clearSolver()
            return status, np.full(self.copies, np.nan)
        if self.copies == 1:
            scores = np.array([solver.getObjectiveValue()])
        else:
            values = solver.getSolution().col_value  # a list: indexing it beats converting it to an array
            scores = np.array([values[column] for column in self.score_columns])
        return status, scores + 0.0  # + 0.0 turns a solver's -0.0 into 0.0


def solve_batch(batch: LpBatch, copies: int | None = None) -> LpSolutions:
    """Solve the programmes of one batch, ``copies`` at a time, each run warm-started from the previous basis.

    A block-diagonal run that is not optimal (some programme in it is infeasible or unbounded)
    is solved again programme by programme, so that every programme gets its own status.
    """
    n_evaluated = batch.size
    score = np.full(n_evaluated, np.nan)
    status = np.full(n_evaluated, OPTIMAL, dtype=object)
    n_rows, n_reference = batch.reference_rows.shape
    if n_reference == 0:
        status[:] = "empty_reference_set"
        return LpSolutions(score, status)
    if n_evaluated == 0:
        return LpSolutions(score, status)
    copies = min(STACKED_PROGRAMMES if copies is None else copies, n_evaluated)
    stacked = _StackedLp(batch, copies)
    one_by_one = None
    for start in range(0, n_evaluated, copies):
        programmes = np.arange(start, min(start + copies, n_evaluated))
        # The last group may be short: fill it with repeats of its last programme.
        padded = np.concatenate([programmes, np.full(copies - len(programmes), programmes[-1])])
        group_status, group_score = stacked.solve(padded)
        if group_status == OPTIMAL:
            score[programmes] = group_score[: len(programmes)]
            continue
        if copies == 1:
            status[start] = group_status
            continue
        one_by_one = one_by_one or _StackedLp(batch, 1)
        for e in programmes:
            status[e], (score[e],) = one_by_one.solve(np.array([e]))
    return LpSolutions(score, status)


def _process_context() -> multiprocessing.context.BaseContext:
    """Fresh worker processes, never a fork of the caller (which may hold DuckDB's or Dagster's threads).

    The fork server imports this module once and forks workers from itself; "spawn" is the
    portable fallback. Either way each worker also imports the caller's main module (Python's
    rule for these start methods), which takes about a second: hence one pool per process.
    """
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__])
        return context
    return multiprocessing.get_context("spawn")


# Worker pools by size, started on first use and kept for the life of the process (idle
# workers wait on a queue); concurrent.futures shuts them down at interpreter exit.
_POOLS: dict[int, ProcessPoolExecutor] = {}


def _pool(workers: int) -> ProcessPoolExecutor:
    pool = _POOLS.get(workers)
    if pool is None or getattr(pool, "_broken", False):
        pool = _POOLS[workers] = ProcessPoolExecutor(max_workers=workers, mp_context=_process_context())
    return pool


def solve_batches(batches: list[LpBatch], workers: int = 1) -> list[LpSolutions]:
    """Solve independent batches, in this process (workers=1) or in ``workers`` worker processes.

    HiGHS (highspy 1.15) lets go of Python's GIL while it solves, but the Python around each
    solve (bounds, coefficients, reading the solution) holds it, and on the nightly panels that is
    about half the time: two threads measured only 10-20% faster than one. Worker processes run
    programmes fully in parallel, once started (about a second, once per process and pool size). Each
    batch is solved whole by one process, in a fixed order, so the results do not depend on
    ``workers``.
    """
    workers = min(workers, len(batches))
    if workers <= 1:
        return [solve_batch(batch) for batch in batches]
    # Largest batches first so that no process is left with a big one at the end.
    order = sorted(range(len(batches)), key=lambda i: -batches[i].size * batches[i].reference_rows.shape[1])
    solved = dict(zip(order, _pool(workers).map(solve_batch, [batches[i] for i in order]), strict=True))
    return [solved[i] for i in range(len(batches))]
