"""From the dbt relations to ``system.Panel`` objects and back to long tables.

The dbt Python models (``models/intermediate/nqpf/int_nqpf__07...13``) read the same two
relations: the engine input (one row per system, indicator and index unit-year, with the value
after gap filling) and the systems seed (each system's nominal choices and Monte Carlo
settings). This module turns them into one ``Panel`` and one ``Settings`` per system, so every
model starts from the same arrays, and each model returns a long DataFrame.
"""

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .system import Alternatives, Choices, Panel
from .treatment import TreatmentRule

ROW_KEY = ["geo_code", "year"]


@dataclass(frozen=True)
class Settings:
    system_id: str
    nominal: Choices
    alternatives: Alternatives
    runs: int
    seed: int


def settings_of(system: Mapping) -> Settings:
    """A system's nominal choices and the alternatives its uncertainty analysis draws from."""
    rule = TreatmentRule(
        skew_threshold=float(system["treatment_skew_threshold"]),
        kurt_threshold=float(system["treatment_kurt_threshold"]),
        winmax=int(system["treatment_winmax"]),
    )
    nominal = Choices(
        treatment=rule if system["treatment"] == "coinr_default" else None,
        imputation=str(system["imputation"]),
        normalisation=str(system["normalisation"]),
        weighting=str(system["weighting"]),
        aggregation=str(system["aggregation"]),
    )
    # the group-imputation level the system names (mean or median), with none and the indicator mean
    group_method = nominal.imputation if nominal.imputation.startswith("group_") else "group_median"
    alternatives = Alternatives(
        treatment=(rule, None),
        imputation=("none", "indicator_mean", group_method),
        weight_noise=float(system["weight_noise"]),
    )
    return Settings(
        str(system["system_id"]), nominal, alternatives, int(system["uncertainty_runs"]), int(system["uncertainty_seed"])
    )


def panels(engine_input: pd.DataFrame, systems: pd.DataFrame) -> dict[str, tuple[Panel, Settings]]:
    """Per system: its panel (index unit-years x indicators in use) and its settings."""
    out = {}
    by_system = systems.set_index("system_id")
    for system_id, rows in engine_input.groupby("system_id", sort=True):
        system = by_system.loc[system_id]
        indicators = sorted(rows["indicator_id"].unique())
        wide = rows.pivot(index=ROW_KEY, columns="indicator_id", values="value").reindex(columns=indicators)
        keys = wide.index.to_frame(index=False)
        meta = rows.drop_duplicates("indicator_id").set_index("indicator_id").loc[indicators]
        groups = rows.drop_duplicates(ROW_KEY).set_index(ROW_KEY)["unit_group"].reindex(wide.index)
        panel = Panel(
            geo=keys["geo_code"].to_numpy(),
            year=keys["year"].to_numpy(),
            group=groups.to_numpy(dtype=object),
            indicators=indicators,
            elements=meta["element"].to_numpy(),
            directions=np.where(meta["direction"].to_numpy() == "-", -1.0, 1.0),
            values=wide.to_numpy(dtype=float),
            shift=float(system["normalisation_shift"]),
        )
        out[system_id] = (panel, settings_of({**system.to_dict(), "system_id": system_id}))
    return out


def cells(system_id: str, panel: Panel, **matrices: np.ndarray) -> pd.DataFrame:
    """Rows x indicators matrices as one long table keyed by system, indicator, unit and year."""
    n_rows, n_ind = panel.values.shape
    frame = pd.DataFrame(
        {
            "system_id": system_id,
            "indicator_id": np.tile(np.array(panel.indicators, dtype=object), n_rows),
            "geo_code": np.repeat(panel.geo, n_ind),
            "year": np.repeat(panel.year, n_ind).astype("int32"),
        }
    )
    for name, matrix in matrices.items():
        frame[name] = np.asarray(matrix).reshape(-1)
    return frame


def unit_years(system_id: str, panel: Panel, **columns: np.ndarray) -> pd.DataFrame:
    """Per-row arrays as a table keyed by system, unit and year."""
    return pd.DataFrame({"system_id": system_id, "geo_code": panel.geo, "year": panel.year.astype("int32"), **columns})
