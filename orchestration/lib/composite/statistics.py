"""Skewness and kurtosis as COINr computes them (R/treat.R: skew, kurt; e1071 type 2, Excel SKEW/KURT).

scipy.stats.skew / kurtosis with bias=False give the same numbers (to 3e-14), but take about
860 us a call against 23 us here, and the treatment loops call these thousands of times per
refresh (every winsorising step, every Monte Carlo run).
"""

import numpy as np


def shape(x: np.ndarray) -> tuple[float, float]:
    """(skewness, excess kurtosis) from one pass of centred moments; dot products, not powers, since
    the treatment evaluates them at every winsorising step of every indicator."""
    x = x[~np.isnan(x)]
    n = x.size
    if n < 3:
        return np.nan, np.nan
    d = x - x.mean()
    ss = float(d @ d)
    if ss == 0:
        return np.nan, np.nan
    d2 = d * d
    g = np.sqrt(n) * float(d2 @ d) / ss**1.5
    skewness = float(g * np.sqrt(n * (n - 1)) / (n - 2))
    if n < 4:
        return skewness, np.nan
    r = n * float(d2 @ d2) / ss**2
    return skewness, float(((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3)))
