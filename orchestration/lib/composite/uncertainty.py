"""How much a rank depends on the methodological choices: uncertainty and sensitivity analysis.

Saisana, Saltelli and Tarantola (2005) and the OECD/JRC Handbook (2008, section 7): every
choice that could reasonably have been made otherwise (treating outliers or not, how to impute,
which weights, how to normalise and aggregate, and the weights themselves perturbed) becomes a
random factor; the index is recomputed for each draw, and

- the spread of each unit's rank over the draws (median, 5th and 95th percentile) says how
  firm the nominal rank is (uncertainty analysis);
- the variance of a unit's rank is split by factor (sensitivity analysis): the first-order
  index ``S_i = V(E[rank | X_i]) / V(rank)`` is the share that factor i explains alone, the
  total index ``S_Ti`` adds its interactions. Both are estimated from Saltelli's design (two
  independent samples A and B, and for each factor A with that factor's column from B;
  Saltelli et al. 2010, "Variance based sensitivity analysis of model output", Computer
  Physics Communications 181), with the estimators of Janon et al. (2014), "Asymptotic
  normality and efficiency of two Sobol index estimators", ESAIM: PS 18, for ``S_i``, and
  Jansen (1999) for ``S_Ti``.
"""

from dataclasses import dataclass

import numpy as np


def ranks_within(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Rank 1 for the highest value within each group, ties sharing the best rank (R's ties.method = "min").

    ``values`` is rows x runs; ``groups`` one label per row (the year). NaN is ranked last."""
    values = np.atleast_2d(np.asarray(values, dtype=float).T).T
    out = np.empty(values.shape, dtype=np.int32)
    for group in np.unique(groups):
        rows = np.flatnonzero(groups == group)
        block = np.where(np.isnan(values[rows]), -np.inf, values[rows])
        order = np.argsort(-block, axis=0, kind="stable")
        sorted_block = np.take_along_axis(block, order, axis=0)
        position = np.arange(1, rows.size + 1)[:, None].repeat(values.shape[1], axis=1)
        # a value equal to the one before it takes that one's rank
        tied = np.vstack([np.zeros((1, values.shape[1]), dtype=bool), sorted_block[1:] == sorted_block[:-1]])
        position = np.maximum.accumulate(np.where(tied, 0, position), axis=0)
        ranked = np.empty_like(position)
        np.put_along_axis(ranked, order, position, axis=0)
        out[rows] = ranked
    return out


@dataclass(frozen=True)
class RankStatistics:
    mean: np.ndarray
    median: np.ndarray
    p05: np.ndarray
    p95: np.ndarray
    variance: np.ndarray


def rank_statistics(ranks: np.ndarray) -> RankStatistics:
    """Per row over the runs: mean, median, 5th and 95th percentile (R's quantile type 7) and variance."""
    ranks = np.asarray(ranks, dtype=float)
    p05, median, p95 = np.percentile(ranks, [5, 50, 95], axis=1)
    return RankStatistics(ranks.mean(axis=1), median, p05, p95, ranks.var(axis=1))


@dataclass(frozen=True)
class SaltelliDesign:
    """Uniform draws for the factors: ``a`` and ``b`` are N x d, ``ab[i]`` is ``a`` with factor i's columns from ``b``."""

    a: np.ndarray
    b: np.ndarray
    factor_columns: dict[str, slice]

    def ab(self, factor: str) -> np.ndarray:
        mixed = self.a.copy()
        columns = self.factor_columns[factor]
        mixed[:, columns] = self.b[:, columns]
        return mixed


def saltelli_design(factor_sizes: dict[str, int], n: int, seed: int) -> SaltelliDesign:
    """Two independent N x d uniform samples; a factor may span several columns (the weight noise)."""
    columns, start = {}, 0
    for name, size in factor_sizes.items():
        columns[name] = slice(start, start + size)
        start += size
    rng = np.random.default_rng(seed)
    return SaltelliDesign(rng.random((n, start)), rng.random((n, start)), columns)


def sensitivity_indices(f_a: np.ndarray, f_b: np.ndarray, f_ab: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First-order (Janon et al. 2014) and total (Jansen 1999) indices per row, from rows x N outputs.

    ``f_ab`` is the output of A with factor i's columns from B: it shares factor i with B and
    every other factor with A. The first-order estimator reads the pair (B, A_B^i), whose
    covariance is V(E[Y | X_i]); Janon's form centres and scales it on the pair itself, which
    keeps it in [-1, 1] and makes it far less noisy than Saltelli's (2010) where the output
    varies little. A row whose output never varies gets NaN for both."""
    variance = np.var(np.hstack([f_a, f_b]), axis=1)
    mean = (f_b.mean(axis=1) + f_ab.mean(axis=1)) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        first = (np.mean(f_b * f_ab, axis=1) - mean**2) / (np.mean((f_b**2 + f_ab**2) / 2, axis=1) - mean**2)
        total = 0.5 * np.mean((f_a - f_ab) ** 2, axis=1) / variance
    none = variance <= 0
    return np.where(none, np.nan, first), np.where(none, np.nan, total)


def level(u: np.ndarray, levels: int) -> np.ndarray:
    """A uniform draw as one of ``levels`` equally likely discrete choices (0 .. levels - 1)."""
    return np.minimum((np.asarray(u) * levels).astype(int), levels - 1)


def noisy_weights(w: np.ndarray, u: np.ndarray, noise: float) -> np.ndarray:
    """COINr's get_noisy_weights: ``w * (1 + (2u - 1) * noise)``, each weight moved independently."""
    return w * (1 + (2 * np.asarray(u) - 1) * noise)
