"""From a long panel (one row per unit and period) to the four distances of every adjacent pair.

For a pair of adjacent periods (t, t+1) an index needs, per unit, ``D^t(t)``, ``D^{t+1}(t+1)``,
``D^t(t+1)`` and ``D^{t+1}(t)``, where ``D^s(r)`` is the distance of the unit's period-``r``
observation to the period-``s`` technology. Columns ``d_t_t, d_t1_t1, d_t_t1, d_t1_t`` hold them.

Periods: the sorted distinct periods of the whole panel; "adjacent" means consecutive in that
list. Pairs: a unit gets a row for (t, t+1) when it has a row in both periods.

Unbalanced panels and reference sets (``reference``):

- ``"period"`` (default): the period-``s`` technology is spanned by *every* unit with complete
  data in period ``s``, whether or not it is observed in the neighbouring period. A unit's
  ``D^t(t)`` is then one number, shared by the pairs (t-1, t) and (t, t+1), so the efficiency
  change chains: the product of a unit's EC over consecutive pairs telescopes to
  ``D^T(T) / D^1(1)``. Economies that enter or leave the panel still shape the frontier of the
  years in which they are observed.
- ``"pair"``: for the pair (t, t+1) both technologies are spanned only by the units with
  complete data in both periods, i.e. each pair is computed as a balanced two-period panel, as
  balanced-panel software (DataEnvelopmentAnalysis.jl, DEAP) would. ``D^t(t)`` may then differ
  between the pairs (t-1, t) and (t, t+1).

For a balanced panel without missing values the two coincide.

Missing data: a unit-period with a missing value in any variable spans no technology and is
evaluated in no programme; its pairs are still returned, with NaN distances and a status
"missing data in <period>". Every programme that HiGHS does not solve to optimality leaves NaN
and names its status (e.g. "d_t_t1: infeasible") in the row's ``status``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from .lp import OPTIMAL, LpBatch, LpSolutions, solve_batches

Reference = Literal["period", "pair"]
REFERENCES: tuple[str, ...] = ("period", "pair")
DISTANCES: tuple[str, ...] = ("d_t_t", "d_t1_t1", "d_t_t1", "d_t1_t")

# Variable group name -> matrix (units, variables) of one period's units, in PanelData order.
Block = dict[str, np.ndarray]


@dataclass(frozen=True)
class Programme:
    """How to build one family of programmes and turn optimal scores into distances.

    build(reference, evaluated) -> LpBatch; to_distance(scores) -> distances. ``prefix`` names
    the family's columns (e.g. "vrs_" gives vrs_d_t_t ...). ``redundant``, if given, tells from
    the reference units' own programmes (within-period solutions, in reference order) which
    reference units cannot change any optimum of this family, so that the cross-period
    programmes may leave them out (see distance.redundant_for_radial).
    """

    prefix: str
    build: Callable[[Block, Block], LpBatch]
    to_distance: Callable[[np.ndarray], np.ndarray]
    redundant: Callable[[LpSolutions], np.ndarray] | None = None


class PanelData:
    """A validated long panel, split by period into units with complete data and their matrices."""

    def __init__(self, frame: pd.DataFrame, unit: str, period: str, groups: dict[str, list[str]]):
        columns = [column for group in groups.values() for column in group]
        for name, group in groups.items():
            if not group:
                raise ValueError(f"no {name} columns given")
        if len(set(columns)) != len(columns):
            raise ValueError(f"a column is used twice among {columns}")
        absent = [column for column in [unit, period, *columns] if column not in frame.columns]
        if absent:
            raise KeyError(f"panel has no column(s) {absent}")
        data = frame[[unit, period, *columns]]
        if data[[unit, period]].isna().any().any():
            raise ValueError(f"{unit!r} or {period!r} has missing values")
        duplicated = data.duplicated([unit, period])
        if duplicated.any():
            examples = data.loc[duplicated, [unit, period]].head(3).to_dict("records")
            raise ValueError(f"more than one row per ({unit}, {period}), e.g. {examples}")
        values = data[columns].to_numpy(dtype=float, na_value=np.nan)
        if np.isinf(values).any():
            raise ValueError("panel has infinite values")
        if (values < 0).any():
            raise ValueError("panel has negative values; DEA needs non-negative data")
        self.unit, self.period, self.groups = unit, period, groups
        self.periods = sorted(data[period].unique())
        complete = ~np.isnan(values).any(axis=1)
        self.present: dict = {}
        self.complete: dict = {}
        self.blocks: dict = {}
        unit_labels = data[unit].to_numpy()
        group_columns, start = {}, 0
        for name, group in groups.items():
            group_columns[name] = slice(start, start + len(group))
            start += len(group)
        for p, rows in data.groupby(period, sort=False).indices.items():
            rows = rows[np.argsort(unit_labels[rows], kind="stable")]
            self.present[p] = pd.Index(unit_labels[rows])
            complete_rows = rows[complete[rows]]
            self.complete[p] = pd.Index(unit_labels[complete_rows])
            self.blocks[p] = {name: values[complete_rows, columns] for name, columns in group_columns.items()}

    def pairs(self) -> list[tuple]:
        return list(zip(self.periods[:-1], self.periods[1:], strict=True))

    def block(self, p, units: pd.Index) -> Block:
        """The period-p matrices of the given units (all of which have complete data in p)."""
        positions = self.complete[p].get_indexer(units)
        return {name: matrix[positions] for name, matrix in self.blocks[p].items()}


def _concatenated(blocks: list[Block]) -> Block:
    return {name: np.concatenate([block[name] for block in blocks]) for name in blocks[0]}


@dataclass(frozen=True)
class _Segment:
    """Units evaluated against a task's technology, with their data, and the (pair, distance) cells they fill."""

    units: pd.Index
    block: Block
    destinations: list[tuple[tuple, str]]


@dataclass(frozen=True)
class _Task:
    """All programmes against one reference technology.

    ``within`` evaluates the reference units themselves (its units are the reference units, in
    order); ``cross`` the other period's observations. They are solved in two rounds, so that
    the cross-period programmes can leave out reference units the within round shows redundant.
    """

    reference: Block
    within: _Segment
    cross: list[_Segment]


def _in_both(data: PanelData, pair: tuple) -> pd.Index:
    t, t1 = pair
    return data.complete[t].intersection(data.complete[t1], sort=False)


def _tasks_by_period(data: PanelData) -> list[_Task]:
    periods = data.periods
    tasks = []
    for k, p in enumerate(periods):
        within = []
        cross = []
        if k + 1 < len(periods):  # D^t(t) and D^t(t+1) of the pair (p, next)
            pair = (p, periods[k + 1])
            within.append((pair, "d_t_t"))
            both = _in_both(data, pair)
            cross.append(_Segment(both, data.block(pair[1], both), [(pair, "d_t_t1")]))
        if k > 0:  # D^{t+1}(t+1) and D^{t+1}(t) of the pair (previous, p)
            pair = (periods[k - 1], p)
            within.append((pair, "d_t1_t1"))
            both = _in_both(data, pair)
            cross.append(_Segment(both, data.block(pair[0], both), [(pair, "d_t1_t")]))
        reference = data.block(p, data.complete[p])
        tasks.append(_Task(reference, _Segment(data.complete[p], reference, within), cross))
    return tasks


def _tasks_by_pair(data: PanelData) -> list[_Task]:
    tasks = []
    for pair in data.pairs():
        both = _in_both(data, pair)
        at_t, at_t1 = data.block(pair[0], both), data.block(pair[1], both)
        tasks.append(_Task(at_t, _Segment(both, at_t, [(pair, "d_t_t")]), [_Segment(both, at_t1, [(pair, "d_t_t1")])]))
        tasks.append(_Task(at_t1, _Segment(both, at_t1, [(pair, "d_t1_t1")]), [_Segment(both, at_t, [(pair, "d_t1_t")])]))
    return tasks


def _kept(block: Block, keep: np.ndarray) -> Block:
    return {name: matrix[keep] for name, matrix in block.items()}


def adjacent_distances(data: PanelData, programmes: list[Programme], reference: Reference, workers: int) -> pd.DataFrame:
    """One row per unit and adjacent pair: unit, period_from, period_to, <prefix>d_* for each programme, status."""
    if reference not in REFERENCES:
        raise ValueError(f"reference must be one of {REFERENCES}, got {reference!r}")
    tasks = _tasks_by_period(data) if reference == "period" else _tasks_by_pair(data)
    jobs = [(programme, task) for programme in programmes for task in tasks]
    # Round 1: every reference unit against its own technology.
    within = solve_batches([programme.build(task.reference, task.within.block) for programme, task in jobs], workers)
    # Round 2: the other period's observations, against the technology less its redundant units.
    cross_batches = []
    for (programme, task), solved in zip(jobs, within, strict=True):
        kept = task.reference if programme.redundant is None else _kept(task.reference, ~programme.redundant(solved))
        cross_batches.append(
            programme.build(kept, _concatenated([segment.block for segment in task.cross])) if task.cross else None
        )
    cross = iter(solve_batches([batch for batch in cross_batches if batch is not None], workers))

    # (prefix, pair, distance) -> (units, distances, statuses)
    results: dict[tuple, tuple[pd.Index, np.ndarray, np.ndarray]] = {}
    for (programme, task), solved_within, cross_batch in zip(jobs, within, cross_batches, strict=True):
        solved_cross = next(cross) if cross_batch is not None else None
        for segment, solved, start in [(task.within, solved_within, 0)] + _offsets(task.cross, solved_cross):
            stop = start + len(segment.units)
            distances = programme.to_distance(solved.score[start:stop])
            for pair, distance in segment.destinations:
                results[(programme.prefix, pair, distance)] = (segment.units, distances, solved.status[start:stop])

    frames = []
    for pair in data.pairs():
        t, t1 = pair
        units = data.present[t].intersection(data.present[t1], sort=False).sort_values()
        frame = pd.DataFrame({data.unit: units, "period_from": t, "period_to": t1})
        problems = [[] for _ in range(len(units))]
        for p in pair:
            lacking = ~units.isin(data.complete[p])
            for row in np.flatnonzero(lacking):
                problems[row].append(f"missing data in {p}")
        for programme in programmes:
            for distance in DISTANCES:
                evaluated, values, statuses = results[(programme.prefix, pair, distance)]
                positions = evaluated.get_indexer(units)
                found = positions >= 0
                column = np.full(len(units), np.nan)
                column[found] = values[positions[found]]
                frame[programme.prefix + distance] = column
                for row in np.flatnonzero(found):
                    status = statuses[positions[row]]
                    if status != OPTIMAL:
                        problems[row].append(f"{programme.prefix}{distance}: {status}")
        frame["status"] = ["; ".join(problem) if problem else OPTIMAL for problem in problems]
        frames.append(frame)
    columns = [data.unit, "period_from", "period_to", *(p.prefix + d for p in programmes for d in DISTANCES), "status"]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]


def _offsets(segments: list[_Segment], solved: LpSolutions | None) -> list[tuple[_Segment, LpSolutions, int]]:
    """Each cross segment with the solutions of the batch that concatenated them and its first row there."""
    offsets, start = [], 0
    for segment in segments:
        offsets.append((segment, solved, start))
        start += len(segment.units)
    return offsets


def chain(frame: pd.DataFrame, unit: str, columns: list[str]) -> pd.DataFrame:
    """Add <column>_cum: the product of a unit's pair indices from its first pair up to this one.

    It is the index of period_to relative to period_from of the unit's first pair. The chain
    needs every link: after a missing pair (the unit is absent in a period after its first pair)
    or a NaN index, it is NaN for the rest of the unit's pairs.
    """
    ordered = frame.sort_values([unit, "period_from"], kind="stable")
    groups = ordered.groupby(unit, sort=False)
    previous_to = groups["period_to"].shift()
    gap = previous_to.notna() & (ordered["period_from"] != previous_to)
    broken = gap.astype(int).groupby(ordered[unit], sort=False).cummax().astype(bool)
    result = frame.copy()
    for column in columns:
        cumulative = groups[column].transform(lambda values: np.cumprod(values.to_numpy()))
        cumulative[broken] = np.nan
        result[f"{column}_cum"] = cumulative
    return result
