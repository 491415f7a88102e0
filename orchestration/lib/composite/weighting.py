"""Indicator weights from the data: entropy, CRITIC, equal and PCA (first principal component).

Every method returns two weight vectors over the indicators: within each element (they sum to
one per element; element scores use them) and over the whole system (they sum to one; the
composite index and TOPSIS use them).

- entropy: the divergence ``1 - e_j`` of each indicator's Shannon entropy over the unit-years
  (Zou et al. 2006); needs positive normalised values (min-max with a shift);
- CRITIC: contrast times conflict, ``sd_j * sum_k (1 - r_jk)`` (Diakoulaki et al. 1995);
- equal: the elements share the system equally, and the indicators their element;
- PCA: the squared loadings of each element's first principal component of the standardised
  indicators (Nicoletti, Scarpetta and Boylaud 2000), elements equal in the system.
"""

import numpy as np

METHODS = ("entropy", "critic", "equal", "pca")


def entropy_divergence(z: np.ndarray) -> np.ndarray:
    """``1 - e_j`` with ``e_j = -sum p ln p / ln n`` over each column's non-missing values (n > 1)."""
    out = np.full(z.shape[1], np.nan)
    for j in range(z.shape[1]):
        values = z[~np.isnan(z[:, j]), j]
        if values.size > 1 and values.sum() > 0:
            p = values / values.sum()
            with np.errstate(divide="ignore", invalid="ignore"):
                terms = np.where(p > 0, p * np.log(p), 0.0)
            out[j] = 1 + terms.sum() / np.log(values.size)
    return out


def critic_information(sd: np.ndarray, r: np.ndarray) -> np.ndarray:
    """``sd_j * sum_k (1 - r_jk)`` from the columns' sample standard deviations and their
    pairwise-complete correlations (``pairwise_correlation``)."""
    return sd * np.nansum(1 - r, axis=1)


def pca_loadings(z: np.ndarray) -> tuple[np.ndarray, float]:
    """Squared PC1 loadings of the standardised columns (they sum to one) and PC1's share of variance.

    Rows with any missing value are left out, as in COINr's get_PCA; with fewer complete rows
    than columns plus two, the pairwise-complete correlation matrix is used instead. A column
    without variance (or without values) takes no part and gets no weight."""
    usable = np.flatnonzero(np.nanstd(np.where(np.isnan(z).all(axis=0), 0.0, z), axis=0) > 0)
    loadings = np.zeros(z.shape[1])
    if usable.size <= 1:
        loadings[usable] = 1.0
        return (loadings, 1.0) if usable.size else (np.full(z.shape[1], 1 / z.shape[1]), np.nan)
    z = z[:, usable]
    complete = z[~np.isnan(z).any(axis=1)]
    r = np.corrcoef(complete, rowvar=False) if complete.shape[0] >= z.shape[1] + 2 else pairwise_correlation(z)
    r = np.where(np.isnan(r), 0.0, r)  # a pair never observed together contributes no covariance
    values, vectors = np.linalg.eigh(r)
    first = vectors[:, np.argmax(values)]
    loadings[usable] = first**2 / np.sum(first**2)
    return loadings, float(values.max() / values.sum())


def pairwise_moments(z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For every pair of columns, over the rows where both have a value: the count, the sample
    covariance and each column's sample variance (all k x k, by matrix products, no loop)."""
    present = ~np.isnan(z)
    if present.all():  # every pair has every row: one product, not six (the imputed panels at scale)
        rows = z.shape[0]
        centred = z - z.mean(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            covariance = centred.T @ centred / (rows - 1)
        variance = np.diag(covariance)
        shape = covariance.shape
        return (
            np.full(shape, float(rows)),
            covariance,
            np.broadcast_to(variance[:, None], shape),
            np.broadcast_to(variance, shape),
        )
    # centred first, so that the sums of products do not cancel
    centred = np.where(present, z - np.nanmean(np.where(present.any(axis=0), z, 0.0), axis=0), 0.0)
    m = present.astype(float)
    n = m.T @ m
    sum_a, sum_b = centred.T @ m, m.T @ centred  # column a (or b) summed over the rows where both are present
    squares = centred**2
    with np.errstate(divide="ignore", invalid="ignore"):
        covariance = (centred.T @ centred - sum_a * sum_b / n) / (n - 1)
        var_a = (squares.T @ m - sum_a**2 / n) / (n - 1)
        var_b = (m.T @ squares - sum_b**2 / n) / (n - 1)
    return n, covariance, var_a, var_b


def pairwise_correlation(z: np.ndarray) -> np.ndarray:
    """Pearson correlations over the rows where both columns have a value (R's pairwise.complete.obs);
    NaN for a pair with fewer than three such rows or no spread."""
    n, covariance, var_a, var_b = pairwise_moments(z)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = covariance / np.sqrt(var_a * var_b)
    r = np.where((n > 2) & (var_a > 0) & (var_b > 0), np.clip(r, -1.0, 1.0), np.nan)
    np.fill_diagonal(r, 1.0)
    return r


def _usable(information: np.ndarray) -> np.ndarray:
    """An indicator's information as a weight basis: none (0) where it is undefined or negative."""
    return np.where(np.isnan(information), 0.0, np.maximum(information, 0.0))


def weights(
    z: np.ndarray, elements: np.ndarray, method: str, divergence: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(weight within element, weight within system) of every column of ``z`` by ``method``.

    ``divergence``: ``entropy_divergence(z)`` when the caller has it already (it also reports it)."""
    elements = np.asarray(elements)
    names = list(dict.fromkeys(elements))
    if method == "entropy" and divergence is None:
        divergence = entropy_divergence(z)
    if method in ("entropy", "critic"):
        sd = r = None
        if method == "critic":
            # a pair's pairwise-complete correlation reads only its two columns: an element's own
            # correlations are a block of the system's
            sd, r = np.nanstd(z, axis=0, ddof=1), pairwise_correlation(z)
        raw = _usable(divergence if method == "entropy" else critic_information(sd, r))
        in_system = raw / raw.sum()
        in_element = np.zeros_like(raw)
        for name in names:
            members = elements == name
            if method == "critic":  # contrast and conflict among the element's own indicators
                raw_e = _usable(critic_information(sd[members], r[np.ix_(members, members)]))
            else:
                raw_e = raw[members]
            in_element[members] = raw_e / raw_e.sum() if raw_e.sum() > 0 else 1 / members.sum()
        return in_element, in_system
    if method not in ("equal", "pca"):
        raise ValueError(f"unknown weighting {method!r}; expected one of {', '.join(METHODS)}")
    in_element = np.zeros(z.shape[1])
    for name in names:
        members = elements == name
        in_element[members] = 1 / members.sum() if method == "equal" else pca_loadings(z[:, members])[0]
    return in_element, in_element / len(names)
