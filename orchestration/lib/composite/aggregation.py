"""Weighted means over the values a unit has (COINr R/aggregate.R ``a_amean``, ``a_gmean``).

A missing value drops out with its weight and the remaining weights are rescaled, so the
result is the mean over what is there; all missing gives NaN. The geometric mean needs
positive values: it is only ever applied to values on a positive scale (see
``positive_scale``), and it penalises an imbalance between indicators that the arithmetic
mean lets one strength compensate.
"""

import numpy as np

METHODS = ("arithmetic", "geometric")


def weighted_mean(x: np.ndarray, w: np.ndarray, method: str = "arithmetic") -> np.ndarray:
    """Per row of ``x`` (units x columns), the weighted mean of its non-missing values.

    ``w`` is one weight per column, or a units x columns array of weights."""
    x = np.asarray(x, dtype=float)
    w = np.broadcast_to(np.asarray(w, dtype=float), x.shape)
    present = ~np.isnan(x)
    total = np.where(present, w, 0.0).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        if method == "arithmetic":
            return np.where(present, w * x, 0.0).sum(axis=1) / np.where(total > 0, total, np.nan)
        if method == "geometric":
            if np.any(x[present] <= 0):
                raise ValueError("the geometric mean needs positive values")
            return np.exp(
                np.where(present, w * np.log(np.where(present, x, 1.0)), 0.0).sum(axis=1) / np.where(total > 0, total, np.nan)
            )
    raise ValueError(f"unknown aggregation {method!r}; expected one of {', '.join(METHODS)}")


def positive_scale(z: np.ndarray, low: float = 1.0, high: float = 100.0) -> np.ndarray:
    """Normalised values rescaled column by column to [low, high] (COINr's [1, 100] for the geometric mean)."""
    lo, hi = np.nanmin(z, axis=0), np.nanmax(z, axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    return np.where(hi > lo, (z - lo) / span * (high - low) + low, high)


def aggregate_tree(
    x: np.ndarray, columns: list[str], parents: dict[str, str], weights: dict[str, float], method: str = "arithmetic"
) -> dict[str, np.ndarray]:
    """Scores of every node of an aggregation tree, bottom-up (COINr's levels).

    ``columns`` name the leaves of ``x``; ``parents`` maps every node to its parent; ``weights``
    gives every node's weight within its parent. Returns node -> scores, leaves included."""
    scores = {name: x[:, j] for j, name in enumerate(columns)}
    pending = {child for child in parents if child not in scores} | set(parents.values())
    while pending:
        ready = [node for node in pending if all(child in scores for child, parent in parents.items() if parent == node)]
        if not ready:
            raise ValueError(f"the aggregation tree has nodes without leaves: {', '.join(sorted(pending))}")
        for node in ready:
            children = [child for child, parent in parents.items() if parent == node]
            values = np.column_stack([scores[child] for child in children])
            scores[node] = weighted_mean(values, np.array([weights[c] for c in children]), method)
            pending.discard(node)
    return scores
