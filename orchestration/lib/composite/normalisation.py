"""Bringing indicators to one scale, with "more is better" everywhere (COINr R/normalise.R).

Each column is multiplied by its direction (+1 or -1) first, then normalised over all its
non-missing values. The pipeline pools the values of every unit-year of a system's index, so
that a score is comparable across years.
"""

import numpy as np

METHODS = ("minmax", "zscore", "rank")


def oriented(x: np.ndarray, directions: np.ndarray) -> np.ndarray:
    """Multiply each column by its direction, so that higher is better for every indicator."""
    return np.asarray(x, dtype=float) * np.asarray(directions, dtype=float)


def minmax(x: np.ndarray, low: float = 0.0, high: float = 1.0, constant: float = np.nan) -> np.ndarray:
    """``(x - min) / (max - min) * (high - low) + low`` per column; a constant column gets ``constant``."""
    lo, hi = _column(np.nanmin, x), _column(np.nanmax, x)
    span = hi - lo
    # in place on one new array: at tens of millions of values each temporary is a full pass
    scaled = np.subtract(x, lo)
    with np.errstate(divide="ignore", invalid="ignore"):
        scaled /= span
    scaled *= high - low
    scaled += low
    scaled[:, ~(span[0] > 0)] = constant  # a constant (or empty) column
    # shift + (1 - shift) * 1 can round to just above 1: the clip only absorbs that rounding
    np.minimum(scaled, high, out=scaled)
    scaled[np.isnan(x)] = np.nan
    return scaled


def zscore(x: np.ndarray) -> np.ndarray:
    """``(x - mean) / sd`` per column (sample standard deviation); a constant column gets 0."""
    mean = _column(np.nanmean, x)
    sd = _column(lambda v, axis: np.nanstd(v, axis=axis, ddof=1), x)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(np.isnan(x), np.nan, np.where(sd > 0, (x - mean) / sd, 0.0))


def rank(x: np.ndarray) -> np.ndarray:
    """Percentile rank per column, in (0, 1]: the average rank of a value among the column's values / their count."""
    out = np.full(x.shape, np.nan)
    for j in range(x.shape[1]):
        present = ~np.isnan(x[:, j])
        values = x[present, j]
        if values.size:
            out[present, j] = _average_ranks(values) / values.size
    return out


def normalise(x: np.ndarray, method: str, shift: float = 0.0) -> np.ndarray:
    """The pipeline's normalisations of oriented values: min-max to [shift, 1], z-score, or rank."""
    if method == "minmax":
        return minmax(x, low=shift, high=1.0, constant=1.0)
    if method == "zscore":
        return zscore(x)
    if method == "rank":
        return rank(x)
    raise ValueError(f"unknown normalisation {method!r}; expected one of {', '.join(METHODS)}")


def _column(statistic, x: np.ndarray) -> np.ndarray:
    """A per-column statistic of the non-missing values, NaN (without a warning) for an empty column."""
    result = np.full((1, x.shape[1]), np.nan)
    has = ~np.isnan(x).all(axis=0)
    if has.all():  # no column to leave out: no copy of the values
        result[0] = statistic(x, axis=0)
    elif has.any():
        result[0, has] = statistic(x[:, has], axis=0)
    return result


def _average_ranks(values: np.ndarray) -> np.ndarray:
    """1-based ranks, ties sharing the mean of their positions (R's ties.method = "average")."""
    order = np.argsort(values, kind="mergesort")
    ranks = np.empty(values.size)
    ranks[order] = np.arange(1, values.size + 1)
    sorted_values = values[order]
    starts = np.flatnonzero(np.r_[True, sorted_values[1:] != sorted_values[:-1]])
    ends = np.r_[starts[1:], values.size]
    for start, end in zip(starts, ends, strict=True):
        if end - start > 1:
            ranks[order[start:end]] = (start + 1 + end) / 2
    return ranks
