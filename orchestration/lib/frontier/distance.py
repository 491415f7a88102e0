"""DEA distance functions, batched: many evaluated units against one reference technology.

Notation: ``D^s(x, y)`` is a distance function of period-``s`` technology evaluated at an
observation ``(x, y)``. The technology is the DEA (activity-analysis) hull of the reference
units ``j = 1..n`` with inputs ``x_j``, good outputs ``y_j`` and, for the environmental model,
bad outputs ``b_j``; intensities ``lambda_j >= 0``.

Shephard output distance function (Fare, Grosskopf, Norris and Zhang 1994, AER 84(1))::

    D_o(x0, y0) = 1 / phi*,   phi* = max phi  s.t.  sum_j lambda_j x_j <= x0
                                                    sum_j lambda_j y_j >= phi y0
                                                    lambda >= 0            (constant returns, "crs")
                                                    sum_j lambda_j = 1     (variable returns, "vrs")

``D_o <= 1`` for an observation inside its own period's technology and may exceed 1 against
another period's. Under "vrs" the programme is infeasible when no convex combination of the
reference units uses no more of every input than ``x0``; that is reported, never hidden.

Directional output distance function with an undesirable output (Chung, Fare and Grosskopf
1997, J. Env. Mgmt 51(3)), direction ``g = (y0, -b0)``, constant returns::

    D(x0, y0, b0; y0, -b0) = beta* = max beta  s.t.  sum_j lambda_j x_j <= x0
                                                     sum_j lambda_j y_j >= (1 + beta) y0
                                                     sum_j lambda_j b_j  = (1 - beta) b0   ("weak_disposability")
                                                     lambda >= 0

The equality on bads is Chung et al.'s weak disposability of bads: they can be cut only
together with goods. ``bad_model="as_inputs"`` replaces it by
``sum_j lambda_j b_j <= (1 - beta) b0``: bads are then treated like inputs. That is the
programme coded in DataEnvelopmentAnalysis.jl (``deaenv``, used by its ``malmluen``), whose
published Malmquist-Luenberger values are reproduced with it in tests/lib.

Redundant reference units (radial programmes only): let reference unit j have a finite
phi_j* > 1 against its own technology, attained by lambda* with sum lambda* x <= x_j and
sum lambda* y >= phi_j* y_j. Its own weight c = lambda*_j is below 1 (c >= 1 would leave the
other units producing (phi_j* - c) y_j from no input, or j producing from no input, and phi_j*
would be unbounded). Moving j's own share to the right and dividing by 1 - c, the other units
alone produce at least (phi_j* - c)/(1 - c) >= 1 times y_j from at most x_j, with weights that
still sum to one under "vrs". So j lies in the technology of the others, dropping it changes the
technology and no optimum against it, and dropping such units one at a time never changes the
remaining units' phi*. Cross-period programmes therefore use only the reference units with
phi_j* <= 1 + REDUNDANT_ABOVE (the frontier units, typically 5-20 of 180), which makes them
about three times cheaper at unchanged optimal values (tests/lib compare every cross-period
distance with programmes over all reference units). The argument fails for the equality on
bads (rescaling a dominating combination breaks the input constraint), so directional
programmes always use every reference unit.

Zero outputs: with ``y0 = 0`` (and, for the directional function, ``b0 = 0``) the direction is
zero and the programme is unbounded; it is reported with status "unbounded" and NaN, where
DataEnvelopmentAnalysis.jl would return 0 for a zero direction.

Units of measurement: every variable is divided by its mean over the reference and evaluated
units before the programme is built. Radial and directional distances are invariant to such
rescaling (each constraint row is multiplied by a positive constant), and HiGHS's absolute
tolerances then mean the same thing for GDP in dollars as for employment in millions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from .lp import OPTIMAL, LpBatch, LpSolutions, solve_batch

Returns = Literal["crs", "vrs"]
BadModel = Literal["weak_disposability", "as_inputs"]
RETURNS: tuple[str, ...] = ("crs", "vrs")
BAD_MODELS: tuple[str, ...] = ("weak_disposability", "as_inputs")


@dataclass(frozen=True)
class DistanceResult:
    """value: one distance per evaluated unit (NaN unless status == "optimal"); status: HiGHS model status."""

    value: np.ndarray
    status: np.ndarray

    @property
    def ok(self) -> np.ndarray:
        return self.status == OPTIMAL


def as_matrix(values, name: str) -> np.ndarray:
    """(units, variables) float matrix; a 1-D array is one variable."""
    matrix = np.asarray(values, dtype=float)
    if matrix.ndim == 1:
        matrix = matrix[:, None]
    if matrix.ndim != 2:
        raise ValueError(f"{name} must be a vector or a (units, variables) matrix, got shape {matrix.shape}")
    if not np.all(np.isfinite(matrix)):
        raise ValueError(f"{name} has missing or infinite values")
    if np.any(matrix < 0):
        raise ValueError(f"{name} has negative values; DEA needs non-negative data")
    return matrix


def _rescaled(evaluated: np.ndarray, reference: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Divide each variable by its mean over both sets (see the module docstring for why this is harmless)."""
    both = np.concatenate([evaluated, reference])
    scale = both.mean(axis=0) if len(both) else np.ones(both.shape[1])
    scale[scale <= 0] = 1.0
    return evaluated / scale, reference / scale


def _check_widths(pairs: list[tuple[np.ndarray, np.ndarray, str]]) -> None:
    for evaluated, reference, name in pairs:
        if evaluated.shape[1] != reference.shape[1]:
            raise ValueError(f"{name}: {evaluated.shape[1]} variables evaluated, {reference.shape[1]} in the reference set")
    heights = {(evaluated.shape[0], reference.shape[0]) for evaluated, reference, _ in pairs}
    if len(heights) != 1:
        raise ValueError("every variable group needs the same units (rows) in the evaluated and in the reference set")


def radial_output_batch(inputs, outputs, reference_inputs, reference_outputs, returns: Returns = "crs") -> LpBatch:
    """Programmes max phi (Shephard output distance = 1/phi) for each evaluated unit; see module docstring."""
    if returns not in RETURNS:
        raise ValueError(f"returns must be one of {RETURNS}, got {returns!r}")
    x, xr = as_matrix(inputs, "inputs"), as_matrix(reference_inputs, "reference_inputs")
    y, yr = as_matrix(outputs, "outputs"), as_matrix(reference_outputs, "reference_outputs")
    _check_widths([(x, xr, "inputs"), (y, yr, "outputs")])
    (x, xr), (y, yr) = _rescaled(x, xr), _rescaled(y, yr)
    n_evaluated, n_reference = x.shape[0], xr.shape[0]
    convexity = returns == "vrs"
    rows = [xr.T, yr.T] + ([np.ones((1, n_reference))] if convexity else [])
    inf = np.full_like(x, np.inf)
    coefficients = [np.zeros_like(x), -y]  # outputs: sum lambda y - phi y0 >= 0
    lower = [-inf, np.zeros_like(y)]
    upper = [x, np.full_like(y, np.inf)]
    if convexity:
        ones = np.ones((n_evaluated, 1))
        coefficients.append(np.zeros((n_evaluated, 1)))
        lower.append(ones)
        upper.append(ones)
    return LpBatch(np.vstack(rows), np.hstack(coefficients), np.hstack(lower), np.hstack(upper))


def directional_batch(
    inputs, good_outputs, bad_outputs, reference_inputs, reference_good_outputs, reference_bad_outputs, bad_model: BadModel
) -> LpBatch:
    """Programmes max beta with direction (y0, -b0), constant returns; see module docstring."""
    if bad_model not in BAD_MODELS:
        raise ValueError(f"bad_model must be one of {BAD_MODELS}, got {bad_model!r}")
    x, xr = as_matrix(inputs, "inputs"), as_matrix(reference_inputs, "reference_inputs")
    y, yr = as_matrix(good_outputs, "good_outputs"), as_matrix(reference_good_outputs, "reference_good_outputs")
    b, br = as_matrix(bad_outputs, "bad_outputs"), as_matrix(reference_bad_outputs, "reference_bad_outputs")
    _check_widths([(x, xr, "inputs"), (y, yr, "good outputs"), (b, br, "bad outputs")])
    (x, xr), (y, yr), (b, br) = _rescaled(x, xr), _rescaled(y, yr), _rescaled(b, br)
    rows = np.vstack([xr.T, yr.T, br.T])
    # goods: sum lambda y - beta y0 >= y0; bads: sum lambda b + beta b0 = b0 (weak) or <= b0 (as inputs)
    coefficients = np.hstack([np.zeros_like(x), -y, b])
    bad_lower = b if bad_model == "weak_disposability" else np.full_like(b, -np.inf)
    lower = np.hstack([np.full_like(x, -np.inf), y, bad_lower])
    upper = np.hstack([x, np.full_like(y, np.inf), b])
    return LpBatch(rows, coefficients, lower, upper)


# A unit is left out of cross-period radial programmes only when its phi* exceeds 1 by more than
# this: HiGHS's optima are within ~1e-9 here, so no frontier unit is ever dropped by rounding.
REDUNDANT_ABOVE = 1e-6


def redundant_for_radial(own: LpSolutions) -> np.ndarray:
    """Reference units that are strictly inside their own technology (phi* > 1): see the module docstring."""
    return (own.status == OPTIMAL) & (own.score > 1.0 + REDUNDANT_ABOVE)


def shephard_from_phi(phi: np.ndarray) -> np.ndarray:
    """D_o = 1/phi*; phi* = 0 (the reference technology produces nothing from x0) gives D_o = inf."""
    with np.errstate(divide="ignore"):
        return 1.0 / phi


def output_distance(inputs, outputs, reference_inputs, reference_outputs, returns: Returns = "crs") -> DistanceResult:
    """Shephard output distance D_o(x0, y0) of each evaluated unit (row) against the reference units' technology.

    inputs, outputs: (units, variables) arrays (or 1-D for one variable) of the evaluated units;
    reference_inputs, reference_outputs: the same for the units spanning the technology.
    returns: "crs" (constant) or "vrs" (variable returns to scale, sum lambda = 1).
    """
    solutions = solve_batch(radial_output_batch(inputs, outputs, reference_inputs, reference_outputs, returns))
    return DistanceResult(shephard_from_phi(solutions.score), solutions.status)


def directional_distance(
    inputs,
    good_outputs,
    bad_outputs,
    reference_inputs,
    reference_good_outputs,
    reference_bad_outputs,
    bad_model: BadModel = "weak_disposability",
) -> DistanceResult:
    """Directional output distance beta* with direction (y0, -b0) of each evaluated unit, constant returns.

    bad_model: "weak_disposability" (Chung, Fare and Grosskopf 1997: equality on bads) or
    "as_inputs" (inequality on bads, as DataEnvelopmentAnalysis.jl's deaenv).
    """
    batch = directional_batch(
        inputs, good_outputs, bad_outputs, reference_inputs, reference_good_outputs, reference_bad_outputs, bad_model
    )
    solutions = solve_batch(batch)
    return DistanceResult(solutions.score, solutions.status)
