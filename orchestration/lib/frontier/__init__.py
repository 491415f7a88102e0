"""Frontier-based TFP: DEA Malmquist and Malmquist-Luenberger productivity indices, solved with HiGHS.

Pure numpy/pandas + highspy; no Dagster, dbt or DuckDB, so dbt Python models can call it.

Panel functions (one row per unit and adjacent pair of periods):

- ``malmquist(panel, unit, period, inputs, outputs, returns="crs"|"vrs")``: output-oriented
  Malmquist index M = EC x TC (Fare, Grosskopf, Norris and Zhang 1994), with PEC x SEC = EC
  under "vrs" (malmquist.py).
- ``malmquist_luenberger(panel, unit, period, inputs, good_outputs, bad_outputs)``: ML =
  MLEFFCH x MLTECH with directional distance functions (Chung, Fare and Grosskopf 1997);
  ``bad_model="as_inputs"`` gives DataEnvelopmentAnalysis.jl's variant (luenberger.py).

Distance functions of many evaluated units against one reference technology:

- ``output_distance``: Shephard output distance (1/phi), constant or variable returns.
- ``directional_distance``: directional output distance with bads, direction (y, -b).

Conventions (distance.py, panel.py): output orientation; ``d_s_r`` = D^s(r) is the distance of
the period-r observation to the period-s technology; technical change is the geometric mean of
the two periods' references; the period-s technology is spanned by every unit with complete data
in s (``reference="period"``) or, optionally, by the units observed in both periods of the pair
(``reference="pair"``). Programmes not solved to optimality (infeasible cross-period VRS or ML
programmes) give NaN and are named in a ``status`` column, never dropped.

Speed (lp.py): each reference technology's programme is passed to HiGHS once and re-solved from
the previous basis for each evaluated unit, several units per run, in worker processes;
``python -m orchestration.lib.frontier.bench`` times a nightly refresh's worth of programmes.
"""

from .distance import DistanceResult, directional_distance, output_distance
from .luenberger import malmquist_luenberger
from .malmquist import malmquist

__all__ = ["DistanceResult", "directional_distance", "malmquist", "malmquist_luenberger", "output_distance"]
