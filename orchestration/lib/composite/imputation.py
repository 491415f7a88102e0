"""Filling the values a unit lacks, so that missing data neither lifts nor sinks a score.

Without imputation a score is the weighted mean over the indicators a unit has (``none``: the
"available mean"), which rewards units that lack the indicators on which they would score low.
The methods here follow COINr (R/impute.R ``i_mean``, ``i_mean_grp``, ``i_median_grp``): each
missing value of an indicator is replaced by the mean of the indicator over all units, or by the
mean or median of the units of the same group (income group, region). A group with no value,
and a unit without a group, fall back to all units, so a value is imputed wherever any unit has one.
"""

import numpy as np
import pandas as pd

METHODS = ("none", "indicator_mean", "group_mean", "group_median")


def impute_columns(x: np.ndarray, method: str, groups: np.ndarray | None = None) -> np.ndarray:
    """``x`` (units x indicators, NaN = missing) with every missing value filled by ``method``."""
    if method not in METHODS:
        raise ValueError(f"unknown imputation method {method!r}; expected one of {', '.join(METHODS)}")
    x = np.asarray(x, dtype=float)
    if method == "none":
        return x.copy()
    missing = np.isnan(x)
    if method == "indicator_mean":
        return np.where(missing, _column_statistic(x, np.nanmean), x)
    if groups is None:
        raise ValueError(f"imputation {method!r} needs the units' groups")
    statistic = np.nanmean if method == "group_mean" else np.nanmedian
    overall = _column_statistic(x, statistic)
    # every group's statistic at once (a unit without a group gets none); where there is none, or
    # the group has no value of the indicator, every unit's statistic
    by_group = pd.DataFrame(x).groupby(pd.Series(groups, dtype=object), dropna=True, sort=False)
    fill = by_group.transform("mean" if method == "group_mean" else "median").to_numpy()
    fill = np.where(np.isnan(fill), overall, fill)
    return np.where(missing, fill, x)


def _column_statistic(x: np.ndarray, statistic) -> np.ndarray:
    """Per column, over the non-missing values; NaN for a column with none (no warning)."""
    result = np.full(x.shape[1], np.nan)
    has = ~np.isnan(x).all(axis=0)
    if has.any():
        result[has] = statistic(x[:, has], axis=0)
    return result
