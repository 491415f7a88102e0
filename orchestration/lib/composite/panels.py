"""From the dbt relations to ``system.Panel`` objects and back to long tables.

The dbt Python models (``models/intermediate/nqpf/int_nqpf__07...11``) read the same relations:
the engine input (``EngineInput``: the cells, one per system, indicator and index unit-year with
the value after gap filling, placed by row and column number; the rows, one per index unit-year;
the columns, one per indicator in use) and the systems seed (each system's nominal choices and
Monte Carlo settings). This module turns them into one ``Panel`` and one ``Settings`` per system,
so every model starts from the same arrays, and each model returns a long table (Arrow for the
tables with a row per cell or unit-year, which dbt-duckdb loads without a copy through pandas).
"""

from collections.abc import Mapping
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from ..arrow_columns import column, labelled
from .system import Alternatives, Choices, Panel
from .treatment import TreatmentRule


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


@dataclass(frozen=True)
class EngineInput:
    """The models int_nqpf__06_engine_input (``cells``), ``_engine_rows`` (``rows``) and ``_engine_columns`` (``columns``)."""

    cells: duckdb.DuckDBPyRelation
    rows: duckdb.DuckDBPyRelation
    columns: duckdb.DuckDBPyRelation


def panels(engine: EngineInput, systems: pd.DataFrame) -> dict[str, tuple[Panel, Settings]]:
    """Per system: its panel (index unit-years x indicators in use) and its settings.

    Reads the relations column by column into NumPy (no long pandas table, no pivot): the values
    go into the matrix at the positions the cells give them (``panel_row``, ``panel_column``),
    which keeps a system of tens of millions of cells to a few seconds and one copy in memory."""
    out = {}
    by_system = systems.set_index("system_id")
    # from the rows (a row per index unit-year), not the cells: every index unit-year has every column's cell
    system_ids = sorted(row[0] for row in engine.rows.select("system_id").distinct().fetchall())
    for system_id in system_ids:
        units = _of_system(engine.rows, system_id).order("panel_row").select("geo_code, year, unit_group").fetchnumpy()
        meta = _of_system(engine.columns, system_id).order("panel_column").select("indicator_id, element, direction").fetchnumpy()
        cells = _of_system(engine.cells, system_id)
        cells = cells.select("panel_row, panel_column, coalesce(value, 'NaN'::double) as value, cell_id").fetchnumpy()
        shape = (units["year"].size, meta["indicator_id"].size)
        values, cell_ids = np.full(shape, np.nan), np.zeros(shape, dtype=np.int64)
        values[cells["panel_row"], cells["panel_column"]] = cells["value"]
        cell_ids[cells["panel_row"], cells["panel_column"]] = cells["cell_id"]
        system = by_system.loc[system_id]
        panel = Panel(
            geo=_strings(units["geo_code"]),
            year=np.asarray(units["year"]),
            group=_strings(units["unit_group"]),
            indicators=list(_strings(meta["indicator_id"])),
            elements=_strings(meta["element"]),
            directions=np.where(_strings(meta["direction"]) == "-", -1.0, 1.0),
            values=values,
            shift=float(system["normalisation_shift"]),
            cell_ids=cell_ids,
        )
        out[system_id] = (panel, settings_of({**system.to_dict(), "system_id": system_id}))
    return out


def _of_system(relation: duckdb.DuckDBPyRelation, system_id: str) -> duckdb.DuckDBPyRelation:
    return relation.filter(duckdb.ColumnExpression("system_id") == duckdb.ConstantExpression(system_id))


def _strings(column) -> np.ndarray:
    """A fetched text column as an object array, a missing value as None."""
    if np.ma.isMaskedArray(column):
        return np.where(column.mask, None, column.data).astype(object)
    return np.asarray(column, dtype=object)


def unit_years(system_id: str, panel: Panel, **columns: np.ndarray | pa.Array) -> pa.Table:
    """Per-row arrays as an Arrow table keyed by system, unit and year."""
    n_rows = panel.geo.size
    keys = {
        "system_id": labelled([system_id], np.zeros(n_rows, dtype=np.int32)),
        "geo_code": labelled(panel.geo, np.arange(n_rows, dtype=np.int32)),
        "year": pa.array(panel.year.astype("int32")),
    }
    return pa.table(keys | {name: column(values) for name, values in columns.items()})
