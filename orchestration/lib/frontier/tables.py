"""The frontier productivity mart from the frontier panel (dbt model int_tfp__frontier_panel).

Per panel (economies, provinces) and adjacent pair of years: the output-oriented Malmquist
index on constant returns with its efficiency and technical change, the variable-returns
decomposition of efficiency change (pure and scale), and the Malmquist-Luenberger index with
CO2 as the undesirable output (weak disposability). Output ``output``; inputs ``capital`` and
``labour``; bad output ``co2``. A unit-year with a missing value spans no technology and its
pairs keep their row with the reason in ``status`` / ``ml_status``; nothing is dropped.
"""

from __future__ import annotations

import pandas as pd

from .luenberger import malmquist_luenberger
from .malmquist import malmquist

UNIT, PERIOD = "unit_code", "year"
INPUTS, OUTPUTS, BADS = ["capital", "labour"], ["output"], ["co2"]
MALMQUIST = ["m", "ec", "tc", "pec", "sec", "m_vrs", "tc_vrs", "m_cum", "ec_cum", "tc_cum", "status"]
LUENBERGER = {"ml": "ml", "ec": "ml_ec", "tc": "ml_tc", "ml_cum": "ml_cum", "status": "ml_status"}
COLUMNS = ["panel", UNIT, "unit_name", "year_from", "year_to", *MALMQUIST, *LUENBERGER.values()]


def malmquist_table(panel: pd.DataFrame, workers: int = 1) -> pd.DataFrame:
    """One row per panel, unit and adjacent pair of years the unit is observed in."""
    frames = []
    for name, rows in panel.groupby("panel", sort=True):
        rows = rows.reset_index(drop=True)
        m = malmquist(rows, UNIT, PERIOD, INPUTS, OUTPUTS, returns="vrs", workers=workers)
        ml = malmquist_luenberger(rows, UNIT, PERIOD, INPUTS, OUTPUTS, BADS, workers=workers)
        keys = [UNIT, "period_from", "period_to"]
        table = m[keys + MALMQUIST].merge(
            ml[keys + list(LUENBERGER)].rename(columns=LUENBERGER), on=keys, how="left", validate="1:1"
        )
        names = rows.drop_duplicates(UNIT).set_index(UNIT)["unit_name"]
        table = table.assign(panel=name, unit_name=table[UNIT].map(names))
        frames.append(table.rename(columns={"period_from": "year_from", "period_to": "year_to"}))
    if not frames:  # no panel with data: an empty table with the same columns
        frames = [pd.DataFrame({c: pd.Series(dtype="float64") for c in COLUMNS})]
    result = pd.concat(frames, ignore_index=True)[COLUMNS]
    return result.astype({"year_from": "int32", "year_to": "int32"}).sort_values(["panel", UNIT, "year_from"], ignore_index=True)
