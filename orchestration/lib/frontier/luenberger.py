"""Adjacent-period Malmquist-Luenberger productivity index with undesirable outputs.

Chung, Fare and Grosskopf (1997), "Productivity and undesirable outputs: a directional distance
function approach", J. Environmental Management 51(3), 229-240. With ``D^s(r)``
the directional output distance (direction g = (y, -b), constant returns; distance.py) of a
unit's period-``r`` observation to the period-``s`` technology::

    ML      = sqrt( (1 + D^t(t))   / (1 + D^t(t+1))  x  (1 + D^{t+1}(t)) / (1 + D^{t+1}(t+1)) )
    MLEFFCH = (1 + D^t(t)) / (1 + D^{t+1}(t+1))
    MLTECH  = sqrt( (1 + D^{t+1}(t+1)) / (1 + D^t(t+1))  x  (1 + D^{t+1}(t)) / (1 + D^t(t)) )

so ML = MLEFFCH x MLTECH (MLTECH = ML / MLEFFCH); ML > 1 is productivity growth. Columns
``ml``, ``ec`` (MLEFFCH) and ``tc`` (MLTECH) are computed from these three lines separately.
DataEnvelopmentAnalysis.jl's ``malmluen`` (default directions Gx = 0, Gy = y, Gb = b,
``refperiod = :Geomean``) uses the same three formulas.

Under weak disposability the cross-period programmes are often infeasible (a period-t+1
observation with more bads than period-t technology can match); such pairs get NaN and the
failing programme in ``status``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .distance import BAD_MODELS, BadModel, directional_batch
from .panel import PanelData, Programme, Reference, adjacent_distances, chain


def _directional(bad_model: BadModel) -> Programme:
    return Programme(
        prefix="",
        build=lambda reference, evaluated: directional_batch(
            evaluated["inputs"],
            evaluated["good_outputs"],
            evaluated["bad_outputs"],
            reference["inputs"],
            reference["good_outputs"],
            reference["bad_outputs"],
            bad_model,
        ),
        to_distance=lambda beta: beta,
    )


def malmquist_luenberger(
    panel: pd.DataFrame,
    unit: str,
    period: str,
    inputs: list[str],
    good_outputs: list[str],
    bad_outputs: list[str],
    bad_model: BadModel = "weak_disposability",
    reference: Reference = "period",
    workers: int = 1,
) -> pd.DataFrame:
    """Malmquist-Luenberger index of every unit for every pair of adjacent periods.

    bad_model: "weak_disposability" (Chung et al. 1997, equality on bads) or "as_inputs"
    (inequality on bads, as DataEnvelopmentAnalysis.jl); see distance.py.
    reference, workers: as for malmquist (see panel.py for reference sets).

    Returns one row per unit present in both periods of a pair: ``<unit>, period_from,
    period_to, ml, ec, tc, d_t_t, d_t1_t1, d_t_t1, d_t1_t, status, ml_cum, ec_cum, tc_cum``,
    with ``d_s_r`` = D^s(r) the directional distance of the period-r observation to the
    period-s technology.
    """
    if bad_model not in BAD_MODELS:
        raise ValueError(f"bad_model must be one of {BAD_MODELS}, got {bad_model!r}")
    groups = {"inputs": list(inputs), "good_outputs": list(good_outputs), "bad_outputs": list(bad_outputs)}
    data = PanelData(panel, unit, period, groups)
    table = adjacent_distances(data, [_directional(bad_model)], reference, workers)
    one_plus = {name: 1.0 + table[name].to_numpy() for name in ("d_t_t", "d_t1_t1", "d_t_t1", "d_t1_t")}
    with np.errstate(divide="ignore", invalid="ignore"):
        indices = {
            "ml": np.sqrt((one_plus["d_t_t"] / one_plus["d_t_t1"]) * (one_plus["d_t1_t"] / one_plus["d_t1_t1"])),
            "ec": one_plus["d_t_t"] / one_plus["d_t1_t1"],
            "tc": np.sqrt((one_plus["d_t1_t1"] / one_plus["d_t_t1"]) * (one_plus["d_t1_t"] / one_plus["d_t_t"])),
        }
    front = table[[unit, "period_from", "period_to"]]
    result = pd.concat([front, pd.DataFrame(indices, index=table.index), table.drop(columns=front.columns)], axis=1)
    return chain(result, unit, list(indices))
