"""Independent formulations of the frontier programmes, solved one by one with scipy.optimize.linprog.

The package solves the envelopment (primal) form with warm-started, stacked HiGHS runs. These
are the multiplier (dual) forms, written from scratch: by LP duality their optimal values equal
the primal ones, and a primal programme is infeasible exactly when its dual is unbounded.

Output distance, constant returns (dual of max phi s.t. X'lambda <= x0, Y'lambda >= phi y0)::

    phi* = min v.x0   s.t.  u.y0 = 1,  u.y_j - v.x_j <= 0 for every reference unit j,  u, v >= 0

variable returns add a free w:  min v.x0 + w  s.t.  u.y0 = 1,  u.y_j - v.x_j - w <= 0.

Directional distance with bads, direction (y0, -b0), constant returns (dual of max beta s.t.
X'lambda <= x0, Y'lambda >= (1 + beta) y0, B'lambda = (1 - beta) b0)::

    beta* = min v.x0 - u.y0 + w.b0   s.t.  u.y0 + w.b0 = 1,  v.x_j - u.y_j + w.b_j >= 0,  v, u >= 0

with w free for the equality on bads (weak disposability) and w >= 0 for the inequality (bads as inputs).
"""

import numpy as np
from scipy.optimize import linprog

INFEASIBLE_PRIMAL = np.inf  # marker: the dual is unbounded


def _solve(cost, a_ub, b_ub, a_eq, b_eq, bounds) -> float:
    result = linprog(cost, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
    if result.status == 3:  # unbounded dual: infeasible primal
        return INFEASIBLE_PRIMAL
    assert result.status == 0, result.message
    return result.fun


def multiplier_phi(x0, y0, reference_x, reference_y, returns="crs") -> float:
    """phi* of the output-oriented programme from its multiplier form; INFEASIBLE_PRIMAL if the dual is unbounded."""
    x0, y0 = np.atleast_1d(x0).astype(float), np.atleast_1d(y0).astype(float)
    reference_x, reference_y = np.atleast_2d(reference_x).astype(float), np.atleast_2d(reference_y).astype(float)
    n, m = reference_x.shape
    s = reference_y.shape[1]
    # variables: v (m), u (s), [w]
    vrs = returns == "vrs"
    cost = np.r_[x0, np.zeros(s), [1.0] * vrs]
    a_ub = np.hstack([-reference_x, reference_y] + ([-np.ones((n, 1))] if vrs else []))
    a_eq = np.r_[np.zeros(m), y0, [0.0] * vrs][None, :]
    bounds = [(0, None)] * (m + s) + [(None, None)] * vrs
    return _solve(cost, a_ub, np.zeros(n), a_eq, [1.0], bounds)


def multiplier_beta(x0, y0, b0, reference_x, reference_y, reference_b, bad_model="weak_disposability") -> float:
    """beta* of the directional programme from its multiplier form; INFEASIBLE_PRIMAL if the dual is unbounded."""
    x0, y0, b0 = (np.atleast_1d(a).astype(float) for a in (x0, y0, b0))
    reference_x, reference_y, reference_b = (np.atleast_2d(a).astype(float) for a in (reference_x, reference_y, reference_b))
    n, m = reference_x.shape
    s, k = reference_y.shape[1], reference_b.shape[1]
    # variables: v (m), u (s), w (k); constraints v.x_j - u.y_j + w.b_j >= 0 written as <= 0
    cost = np.r_[x0, -y0, b0]
    a_ub = np.hstack([-reference_x, reference_y, -reference_b])
    a_eq = np.r_[np.zeros(m), y0, b0][None, :]
    w_bounds = (None, None) if bad_model == "weak_disposability" else (0, None)
    bounds = [(0, None)] * (m + s) + [w_bounds] * k
    return _solve(cost, a_ub, np.zeros(n), a_eq, [1.0], bounds)


def shephard(phi: float) -> float:
    """D = 1/phi, NaN for an infeasible programme (the package's convention)."""
    return np.nan if phi == INFEASIBLE_PRIMAL else 1.0 / phi


def beta(value: float) -> float:
    return np.nan if value == INFEASIBLE_PRIMAL else value
