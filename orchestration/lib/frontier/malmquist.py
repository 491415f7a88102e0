"""Adjacent-period output-oriented Malmquist productivity index and its decompositions.

Fare, Grosskopf, Norris and Zhang (1994), "Productivity growth, technical progress, and
efficiency change in industrialized countries", AER 84(1), 66-83 (FGNZ). With ``D^s(r)`` the
Shephard output distance of a unit's period-``r`` observation to the period-``s`` constant
returns technology (distance.py, panel.py)::

    M  = sqrt( D^t(t+1) / D^t(t)  x  D^{t+1}(t+1) / D^{t+1}(t) )          FGNZ
    EC = D^{t+1}(t+1) / D^t(t)                                             efficiency change
    TC = sqrt( D^t(t+1) / D^{t+1}(t+1)  x  D^t(t) / D^{t+1}(t) )          technical change

so that M = EC x TC; M > 1 is productivity growth. ``m`` is computed from the first line and
``ec``, ``tc`` from the other two, so the identity is a check, not a definition.

With ``returns="vrs"`` FGNZ's further decomposition of EC is added, with
``D_v`` the distance to the variable returns technology of the same period::

    PEC = D_v^{t+1}(t+1) / D_v^t(t)                                        pure efficiency change
    SEC = [D^{t+1}(t+1) / D_v^{t+1}(t+1)] / [D^t(t) / D_v^t(t)]            scale efficiency change

so that EC = PEC x SEC and M = PEC x SEC x TC, with M and TC still on the constant returns
technology as in FGNZ. Also returned, from the cross-period variable returns programmes, is the
index on the variable returns technology that DataEnvelopmentAnalysis.jl's
``malmquist(X, Y, rts = :VRS, orient = :Output)`` computes::

    M_VRS  = sqrt( D_v^t(t+1) / D_v^t(t)  x  D_v^{t+1}(t+1) / D_v^{t+1}(t) ) = PEC x TC_VRS
    TC_VRS = sqrt( D_v^t(t+1) / D_v^{t+1}(t+1)  x  D_v^t(t) / D_v^{t+1}(t) )

The cross-period variable returns programmes are infeasible when a unit uses less of an input
than any convex combination of the other period's units; ``m_vrs`` and ``tc_vrs`` are then NaN
and ``status`` says which programme failed, while ``m, ec, tc, pec, sec`` are unaffected.

The ``*_cum`` columns chain the pair indices per unit (panel.chain).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .distance import Returns, radial_output_batch, redundant_for_radial, shephard_from_phi
from .panel import PanelData, Programme, Reference, adjacent_distances, chain


def _radial(returns: str) -> Programme:
    return Programme(
        prefix="" if returns == "crs" else f"{returns}_",
        build=lambda reference, evaluated: radial_output_batch(
            evaluated["inputs"], evaluated["outputs"], reference["inputs"], reference["outputs"], returns
        ),
        to_distance=shephard_from_phi,
        redundant=redundant_for_radial,
    )


def malmquist(
    panel: pd.DataFrame,
    unit: str,
    period: str,
    inputs: list[str],
    outputs: list[str],
    returns: Returns = "crs",
    reference: Reference = "period",
    workers: int = 1,
) -> pd.DataFrame:
    """Output-oriented Malmquist index of every unit for every pair of adjacent periods.

    panel: long frame, one row per (unit, period), non-negative numeric inputs and outputs.
    returns: "crs" for M = EC x TC; "vrs" adds PEC, SEC (EC = PEC x SEC) and M_VRS, TC_VRS.
    reference: how technologies are spanned in unbalanced panels, "period" or "pair" (see panel.py).
    workers: 1 solves in this process; more starts that many worker processes (once per process,
        about a second) and pays off for large panels (lp.solve_batches). Results do not depend on it.

    Returns one row per unit present in both periods of a pair, with columns ``<unit>,
    period_from, period_to, m, ec, tc, [pec, sec, tc_vrs, m_vrs,] d_t_t, d_t1_t1, d_t_t1,
    d_t1_t, [vrs_d_t_t, vrs_d_t1_t1, vrs_d_t_t1, vrs_d_t1_t,] status, m_cum, ec_cum, tc_cum[,
    pec_cum, sec_cum, tc_vrs_cum, m_vrs_cum]``. ``d_s_r`` is D^s(r), e.g. ``d_t_t1`` = D^t(x^{t+1}, y^{t+1}). Indices are NaN
    where a programme they need was not solved to optimality or data were missing; ``status``
    is "optimal" or lists the reasons.
    """
    if returns not in ("crs", "vrs"):
        raise ValueError(f"returns must be 'crs' or 'vrs', got {returns!r}")
    data = PanelData(panel, unit, period, {"inputs": list(inputs), "outputs": list(outputs)})
    programmes = [_radial("crs")] + ([_radial("vrs")] if returns == "vrs" else [])
    table = adjacent_distances(data, programmes, reference, workers)
    d_t_t, d_t1_t1, d_t_t1, d_t1_t = (table[name].to_numpy() for name in ("d_t_t", "d_t1_t1", "d_t_t1", "d_t1_t"))
    with np.errstate(divide="ignore", invalid="ignore"):
        indices = {
            "m": np.sqrt((d_t_t1 / d_t_t) * (d_t1_t1 / d_t1_t)),
            "ec": d_t1_t1 / d_t_t,
            "tc": np.sqrt((d_t_t1 / d_t1_t1) * (d_t_t / d_t1_t)),
        }
        if returns == "vrs":
            v_t_t, v_t1_t1, v_t_t1, v_t1_t = (
                table[f"vrs_{name}"].to_numpy() for name in ("d_t_t", "d_t1_t1", "d_t_t1", "d_t1_t")
            )
            indices["pec"] = v_t1_t1 / v_t_t
            indices["sec"] = (d_t1_t1 / v_t1_t1) / (d_t_t / v_t_t)
            indices["tc_vrs"] = np.sqrt((v_t_t1 / v_t1_t1) * (v_t_t / v_t1_t))
            indices["m_vrs"] = np.sqrt((v_t_t1 / v_t_t) * (v_t1_t1 / v_t1_t))
    names = list(indices)
    front = table[[unit, "period_from", "period_to"]]
    result = pd.concat([front, pd.DataFrame(indices, index=table.index), table.drop(columns=front.columns)], axis=1)
    return chain(result, unit, names)
