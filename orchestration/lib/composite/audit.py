"""Statistical coherence of an indicator system (OECD/JRC Handbook 2008, section 4; COINr get_corr,
get_cronbach, get_PCA).

An indicator should correlate positively with the element it is meant to measure and with the
index; within an element the indicators should measure something in common (Cronbach's alpha,
the first principal component's share of variance). The correlation ratio of the index on an
indicator (Paruolo, Saisana and Saltelli 2013, "Ratings and rankings: voodoo or science?", JRSS
A 176) says how much of the index's variance that indicator explains, whatever its nominal
weight: its effective importance.
"""

import numpy as np

from .normalisation import rank
from .weighting import pairwise_moments


def pearson(x: np.ndarray, y: np.ndarray) -> float:
    """Pearson correlation over the rows where both have a value (NaN with fewer than three, or no spread)."""
    both = ~np.isnan(x) & ~np.isnan(y)
    if both.sum() < 3 or np.std(x[both]) == 0 or np.std(y[both]) == 0:
        return np.nan
    return float(np.corrcoef(x[both], y[both])[0, 1])


def spearman(x: np.ndarray, y: np.ndarray) -> float:
    """Spearman correlation: Pearson on the average ranks of the rows where both have a value."""
    both = ~np.isnan(x) & ~np.isnan(y)
    if both.sum() < 3:
        return np.nan
    ranked = rank(np.column_stack([x[both], y[both]]))
    return pearson(ranked[:, 0], ranked[:, 1])


def pairwise_covariance(x: np.ndarray) -> np.ndarray:
    """Sample covariances over the rows where both columns have a value (R's cov, pairwise.complete.obs)."""
    n, covariance, _, _ = pairwise_moments(x)
    return np.where(n > 1, covariance, np.nan)


def cronbach_alpha(x: np.ndarray) -> float:
    """``k / (k - 1) * (1 - trace(C) / sum(C))`` with C the pairwise covariance matrix (COINr get_cronbach)."""
    k = x.shape[1]
    if k < 2:
        return np.nan
    c = pairwise_covariance(x)
    return float(k / (k - 1) * (1 - np.trace(c) / np.sum(c)))


def first_component(x: np.ndarray) -> tuple[np.ndarray, float]:
    """Loadings of the first principal component of the standardised complete rows, and its share of variance.

    As COINr's get_PCA (stats::prcomp with center and scale on na.omit data); a loading's sign is arbitrary."""
    complete = x[~np.isnan(x).any(axis=1)]
    if x.shape[1] < 2 or complete.shape[0] < 3:
        return np.full(x.shape[1], np.nan), np.nan
    standardised = (complete - complete.mean(axis=0)) / complete.std(axis=0, ddof=1)
    _, singular, vt = np.linalg.svd(standardised, full_matrices=False)
    variances = singular**2
    return vt[0], float(variances[0] / variances.sum())


def correlation_ratio(x: np.ndarray, y: np.ndarray, bins: int | None = None) -> float:
    """``V(E[y | x]) / V(y)``, E[y | x] estimated by the mean of y in equal-frequency bins of x.

    Rows where either is missing are left out. The default number of bins grows with the rows
    (about 20 rows a bin, between 5 and 50), so that each bin's mean is not mostly noise."""
    both = ~np.isnan(x) & ~np.isnan(y)
    x, y = x[both], y[both]
    if x.size < 10 or np.var(y) == 0:
        return np.nan
    bins = bins or int(np.clip(x.size // 20, 5, 50))
    # equal-frequency bins that never split tied values of x: a value's bin is the number of
    # inner quantiles below it (no sort of x, which at a million rows cost 0.2 s per indicator)
    labels = np.searchsorted(np.quantile(x, np.linspace(0, 1, bins + 1)[1:-1]), x, side="left")
    counts = np.bincount(labels)
    used = counts > 0
    means = np.bincount(labels, weights=y)[used] / counts[used]
    explained = np.sum(counts[used] * (means - y.mean()) ** 2) / x.size
    return float(explained / np.var(y))
