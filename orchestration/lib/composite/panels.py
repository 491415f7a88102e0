"""From the dbt relations to ``system.Panel`` objects and back to long tables.

The dbt Python models (``models/intermediate/nqpf/int_nqpf__07...11``) read the same relations:
the engine input (``EngineInput``: the cells, the filled grid with each cell's key and value
after gap filling; the rows, one per index unit-year; the columns, one per indicator in use) and
the systems seed (each system's nominal choices and Monte Carlo settings). This module turns them
into one ``Panel`` and one ``Settings`` per system, so every model starts from the same arrays, and
each model returns a long table (Arrow for the tables with a row per cell or unit-year, which
dbt-duckdb loads without a copy through pandas).
"""

from collections.abc import Mapping
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from .. import cell_keys
from ..arrow_columns import column, concatenated, labelled
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
    """What the library reads: ``cells``, the filled grid (int_nqpf__03_filled; ``cell_id`` and
    ``filled_value`` are read), ``rows`` (int_nqpf__06_engine_rows) and ``columns`` (int_nqpf__06_engine_columns)."""

    cells: duckdb.DuckDBPyRelation
    rows: duckdb.DuckDBPyRelation
    columns: duckdb.DuckDBPyRelation

    @property
    def cell_values(self) -> duckdb.DuckDBPyRelation:
        """The two columns of ``cells`` the library reads."""
        return self.cells.select("cell_id, coalesce(filled_value, 'NaN'::double) as value")


def panels(engine: EngineInput, systems: pd.DataFrame) -> dict[str, tuple[Panel, Settings]]:
    """Per system: its panel (index unit-years x indicators in use) and its settings.

    Reads the filled grid's two columns once, as Arrow (no long pandas table, no pivot), and puts
    each cell of an indicator in use and an index unit-year at its place in the system's matrix,
    found from the parts of its key (``cell_keys``) through two small dense lookups. The cells
    outside the panel (unit-years out of the index, indicators left out) are passed over; a panel
    cell the grid does not have stays NaN, as a missing value (the grid has every unit x window
    year of each indicator, so there is none). At 30M cells this takes 1-3 s, where a joined copy
    of the grid with row and column numbers (the former int_nqpf__06_engine_input) took 4 s to
    write and 2 s to read."""
    out = {}
    by_system = systems.set_index("system_id")
    cells = engine.cell_values.to_arrow_table()
    cell_id, value = concatenated(cells["cell_id"]), concatenated(cells["value"])
    del cells
    # from the rows (a row per index unit-year), not the cells
    system_ids = sorted(row[0] for row in engine.rows.select("system_id").distinct().fetchall())
    for system_id in system_ids:
        units = of_system(engine.rows, system_id).order("panel_row").select("geo_code, year, unit_group, unit_no").fetchnumpy()
        meta = of_system(engine.columns, system_id).order("panel_column")
        meta = meta.select("indicator_id, element, direction, indicator_no").fetchnumpy()
        shape = (units["year"].size, meta["indicator_id"].size)
        positions, placed = _positions(cell_id, np.asarray(units["unit_no"]), np.asarray(units["year"]), meta)
        values = np.full(shape, np.nan)
        values.reshape(-1)[positions] = value[placed]
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
            cell_ids=cell_id[placed],
            cell_positions=positions,
        )
        out[system_id] = (panel, settings_of({**system.to_dict(), "system_id": system_id}))
    return out


def _positions(cell_id: np.ndarray, unit_no: np.ndarray, year: np.ndarray, meta: dict) -> tuple[np.ndarray, np.ndarray]:
    """The panel's cells among all cells: (their positions in the rows x columns matrix, flattened;
    their indexes in ``cell_id``). A row is a unit number and a year (``unit_no``, ``year`` per panel
    row), a column an indicator number (``meta["indicator_no"]`` per panel column); the indicator
    numbers are unique over all systems, so the column alone tells a system's cells from another's.
    32-bit numbers where they fit: the positions stay with the panel for every composite model."""
    columns = np.asarray(meta["indicator_no"], dtype=np.int64)
    indicator = cell_keys.indicator_no(cell_id)
    size = max(int(indicator.max(initial=0)), int(columns.max(initial=0))) + 1
    column = cell_keys.lookup(columns, size, np.int32)[indicator]
    del indicator
    mine = np.flatnonzero(column >= 0)
    if mine.size < cell_id.size:  # only this system's cells in use are looked up (one system at scale: all)
        cell_id, column = cell_id[mine], column[mine]
    row = _rows_of(cell_id, unit_no, year)
    placed = np.flatnonzero(row >= 0)
    positions = row[placed].astype(np.int32 if year.size * columns.size < 2**31 else np.int64)
    positions *= columns.size
    positions += column[placed]
    return positions, mine[placed]


def _rows_of(cell_id: np.ndarray, unit_no: np.ndarray, year: np.ndarray) -> np.ndarray:
    """Each cell's panel row, -1 for a unit-year not in the panel. The lookup is dense over the
    rows' unit numbers and years: int_geographies numbers a geography's units one after another, so
    it is no larger than the system's grid of units x window years."""
    first_unit, first_year = int(unit_no.min()), int(year.min())
    units, years = int(unit_no.max()) - first_unit + 1, int(year.max()) - first_year + 1
    # the last slot for every cell outside
    table = cell_keys.lookup((unit_no.astype(np.int64) - first_unit) * years + (year - first_year), units * years + 1, np.int32)
    return table[unit_year_slots(cell_id, first_unit, units, first_year, years)]


def unit_year_slots(cell_id: np.ndarray, first_unit: int, units: int, first_year: int, years: int) -> np.ndarray:
    """Each cell's unit-year in a dense table of ``units`` x ``years`` from ``first_unit`` and
    ``first_year``: ``(unit_no - first_unit) * years + (year - first_year)``, or ``units * years``
    (one past the end) for a cell outside. A negative offset viewed as unsigned is past the end, so
    one comparison per bound finds the cells outside (0.7 s at 30M cells, against 1.5 s for the
    same with a mask per bound)."""
    unit = cell_keys.unit_no(cell_id) - first_unit
    cell_year = cell_keys.year(cell_id) - first_year
    outside = (unit.view(np.uint64) >= units) | (cell_year.view(np.uint64) >= years)
    unit *= years
    unit += cell_year
    del cell_year
    unit[outside] = units * years
    return unit


def of_system(relation: duckdb.DuckDBPyRelation, system_id: str) -> duckdb.DuckDBPyRelation:
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
