"""The indicator panel cell by cell (the dbt model int_nqpf__07_panel, published as the view
mart_nqpf_panel), in one pass over the filled grid.

A row for each cell of the filled grid (int_nqpf__03_filled) of an indicator in use and a
unit-year in its system's window: the cell's key (``cell_keys``: indicator number, unit number
and year), its values before and after gap filling, whether its unit-year is in the index
(int_nqpf__05_sample) and, in the index, what the composite library did to its value (the
system's nominal result, ``tables.nominal_results``): treated, imputed, prepared, normalised.

Why here and not as a join in SQL: the SQL mart needed the library's values as a table of their
own (the cell key and five columns, 30M rows at scale), written once and joined back by the key,
and then wrote the panel's 19 columns again. Here the grid is read once as a stream of batches;
each batch finds its unit-year's flags and the library's values through dense lookups on the
parts of its cell key (as ``panels`` places the cells), and DuckDB writes the batches as they
come. The labels of the key's parts (system, indicator, element, transform, unit code) are joined
by the view: as text in each of 30M rows they took DuckDB about as long to write as all the rest.
Measured at 30M cells in README, "Beyond one machine".
"""

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .. import cell_keys
from ..arrow_columns import column, labelled
from .panels import EngineInput, of_system, unit_year_slots
from .system import Result
from .tables import nominal_results

TREATMENT_LABELS = ("none", "winsorised_high", "winsorised_low", "logged")
IN_WINDOW, IN_INDEX = 1, 2  # a unit-year's flags, as bits
GRID_COLUMNS = "cell_id, raw_value, denominator_value, indicator_value, filled_value, fill_method, drop_reason"
GAP_FILLS = pa.array(["interpolated", "extrapolated"])


@dataclass(frozen=True)
class _Indicators:
    """Per indicator number (the cell key's first part), where it is in use: its system (a
    position in the list of ``_SystemCells``) and column in the system's panel."""

    system: np.ndarray  # -1: not in use, no row in the panel
    column: np.ndarray  # -1 where the system has no panel (no unit-year in its index)


@dataclass(frozen=True)
class _SystemCells:
    """One system's unit-years by slot (``panels.unit_year_slots``): their flags and panel rows;
    and the library's values by place in the panel (row * columns + column)."""

    first_unit: int
    units: int
    first_year: int
    years: int
    flags: np.ndarray  # IN_WINDOW | IN_INDEX per slot; 0 in the last slot, where cells outside the grid go
    row: np.ndarray  # per slot: the panel row, -1 for a unit-year out of the index
    columns: int
    values: dict[str, np.ndarray]  # by output column, rows x columns flattened

    def slots(self, cell_id: np.ndarray) -> np.ndarray:
        return unit_year_slots(cell_id, self.first_unit, self.units, self.first_year, self.years)


def panel(
    engine: EngineInput,
    systems: pd.DataFrame,
    indicators: duckdb.DuckDBPyRelation,
    sample: duckdb.DuckDBPyRelation,
) -> pa.RecordBatchReader:
    """The panel's rows, as a stream of batches in step with the grid's (``engine.cells``).

    ``indicators``: int_nqpf__01_system_indicators (every indicator number); ``sample``:
    int_nqpf__05_sample (with each unit-year's unit number); ``systems``: the systems seed."""
    evaluated = {system_id: (panel, result) for system_id, panel, _, result in nominal_results(engine, systems)}
    system_ids = sorted(row[0] for row in sample.select("system_id").distinct().fetchall())
    cells_by_system = [_system_cells(system_id, evaluated.get(system_id), engine.rows, sample) for system_id in system_ids]
    lookups = _indicator_lookups(indicators, engine.columns, system_ids)
    grid = engine.cells.select(GRID_COLUMNS).to_arrow_reader()  # a row group (122,880 rows) at a time
    schema = _schema(grid.schema)
    batches = (_rows(batch, lookups, cells_by_system, schema) for batch in grid)
    return pa.RecordBatchReader.from_batches(schema, (batch for batch in batches if batch.num_rows))


def _schema(grid: pa.Schema) -> pa.Schema:
    """The mart's columns in its order, with the cell key for its keys and labels; the treatment as
    a dictionary, the grid's columns as they come."""
    return pa.schema(
        [
            grid.field("cell_id"),
            *(grid.field(name) for name in ("raw_value", "denominator_value", "indicator_value", "filled_value", "fill_method")),
            ("is_filled", pa.bool_()),
            grid.field("drop_reason"),
            ("treatment", pa.dictionary(pa.int32(), pa.string())),
            ("treated_value", pa.float64()),
            ("is_imputed", pa.bool_()),
            ("prepared_value", pa.float64()),
            ("normalised_value", pa.float64()),
            ("in_index", pa.bool_()),
        ]
    )


def _system_cells(
    system_id: str, evaluated: tuple | None, rows: duckdb.DuckDBPyRelation, sample: duckdb.DuckDBPyRelation
) -> _SystemCells:
    """The lookups of one system: its sample's unit-years by unit number and year, and, when it has
    a panel (``evaluated``: the panel and its nominal result), the library's values."""
    unit_years = of_system(sample, system_id).select("unit_no, year, in_window, in_index").fetchnumpy()
    unit_no, year = unit_years["unit_no"], unit_years["year"]
    first_unit, first_year, n_units, n_years = 0, 0, 0, 0  # a system with no grid: its cells all fall outside
    if unit_no.size:
        first_unit, first_year = int(unit_no.min()), int(year.min())
        n_units, n_years = int(unit_no.max()) - first_unit + 1, int(year.max()) - first_year + 1

    def slot(units: np.ndarray, years: np.ndarray) -> np.ndarray:  # of unit-years of the sample, as unit_year_slots
        return (np.asarray(units, dtype=np.int64) - first_unit) * n_years + (np.asarray(years, dtype=np.int64) - first_year)

    flags = np.zeros(n_units * n_years + 1, dtype=np.int8)
    # a null flag (a unit-year with no window end) is false, as in SQL's where
    in_window, in_index = (np.ma.filled(unit_years[name], False) for name in ("in_window", "in_index"))
    flags[slot(unit_no, year)] = np.where(in_window, IN_WINDOW, 0) | np.where(in_index, IN_INDEX, 0)
    row = np.full(flags.size, -1, dtype=np.int64)
    values = {}
    columns = 0
    if evaluated is not None:
        panel, result = evaluated
        placed = of_system(rows, system_id).select("unit_no, year, panel_row").fetchnumpy()
        row[slot(placed["unit_no"], placed["year"])] = placed["panel_row"]
        columns = len(panel.indicators)
        values = _library_values(result)
    return _SystemCells(first_unit, n_units, first_year, n_years, flags, row, columns, values)


def _library_values(result: Result) -> dict[str, np.ndarray]:
    """What the library did to each value of the panel, flattened (row * columns + column)."""
    return {
        "treatment": np.column_stack([_treatment_codes(t) for t in result.treatments]).reshape(-1)
        if result.treatments
        else np.zeros(0, np.int8),
        "treated_value": result.treated.reshape(-1),
        "is_imputed": result.imputed.reshape(-1),
        "prepared_value": result.prepared.reshape(-1),
        "normalised_value": result.normalised.reshape(-1),
    }


def _treatment_codes(record) -> np.ndarray:
    """What treatment did to each value of one indicator, as a code into ``TREATMENT_LABELS``."""
    if record.log_transformed:
        return np.where(np.isnan(record.values), 0, 3).astype(np.int8)
    codes = np.zeros(record.values.shape, dtype=np.int8)
    if record.method == "winsorise":  # only then are points labelled (comparing text labels costs seconds at scale)
        codes[record.points == "winhi"] = 1
        codes[record.points == "winlo"] = 2
    return codes


def _indicator_lookups(
    indicators: duckdb.DuckDBPyRelation, columns: duckdb.DuckDBPyRelation, system_ids: list[str]
) -> _Indicators:
    """For every indicator number (int_nqpf__01), where it is in use its system and panel column (int_nqpf__06_engine_columns)."""
    size = (indicators.aggregate("max(indicator_no)").fetchall()[0][0] or 0) + 1
    in_use = columns.select("system_id, indicator_no, panel_column").df()
    system, column = np.full(size, -1, dtype=np.int64), np.full(size, -1, dtype=np.int64)
    system[in_use["indicator_no"].to_numpy()] = [system_ids.index(s) if s in system_ids else -1 for s in in_use["system_id"]]
    column[in_use["indicator_no"].to_numpy()] = in_use["panel_column"].to_numpy()
    return _Indicators(system, column)


def _rows(
    batch: pa.RecordBatch,
    lookups: _Indicators,
    cells_by_system: list[_SystemCells],
    schema: pa.Schema,
) -> pa.RecordBatch:
    """The panel's rows of one batch of the grid: its cells of an indicator in use in the window."""
    cell_id = batch.column("cell_id").to_numpy()
    number = cell_keys.indicator_no(cell_id)
    system = lookups.system[number]
    flags = np.zeros(cell_id.size, dtype=np.int8)
    position = np.full(cell_id.size, -1, dtype=np.int64)
    for s in np.unique(system[system >= 0]):
        mine = np.flatnonzero(system == s) if system.min() != system.max() else slice(None)
        cells = cells_by_system[s]
        slot = cells.slots(cell_id[mine])
        flags[mine] = cells.flags[slot]
        row, col = cells.row[slot], lookups.column[number[mine]]
        position[mine] = np.where((row >= 0) & (col >= 0), row * cells.columns + col, -1)
    keep = np.flatnonzero(flags & IN_WINDOW)
    if keep.size < cell_id.size:
        batch, cell_id, number, system, flags, position = (
            batch.take(pa.array(keep)),
            *(a[keep] for a in (cell_id, number, system, flags, position)),
        )
    fill_method = batch.column("fill_method")
    library = _library_columns(system, position, cells_by_system)
    return pa.record_batch(
        {
            "cell_id": batch.column("cell_id"),
            **{name: batch.column(name) for name in ("raw_value", "denominator_value", "indicator_value", "filled_value")},
            "fill_method": fill_method,
            "is_filled": pc.fill_null(pc.is_in(fill_method, value_set=GAP_FILLS.cast(fill_method.type)), False),
            "drop_reason": batch.column("drop_reason"),
            "treatment": labelled(TREATMENT_LABELS, library["treatment"]),
            "treated_value": column(library["treated_value"]),
            "is_imputed": pa.array(library["is_imputed"]),
            "prepared_value": column(library["prepared_value"]),
            "normalised_value": column(library["normalised_value"]),
            "in_index": pa.array((flags & IN_INDEX).astype(bool)),
        },
        schema=schema,
    )


def _library_columns(system: np.ndarray, position: np.ndarray, cells_by_system: list[_SystemCells]) -> dict[str, np.ndarray]:
    """The library's values of the cells at ``position`` in their system's panel; for a cell with no
    place in a panel (a unit-year out of the index): not treated, not imputed, no value."""
    out = {
        "treatment": np.zeros(position.size, dtype=np.int8),
        "is_imputed": np.zeros(position.size, dtype=bool),
        **{name: np.full(position.size, np.nan) for name in ("treated_value", "prepared_value", "normalised_value")},
    }
    placed = position >= 0
    for s in np.unique(system[placed]):
        here = placed & (system == s)
        at = np.where(here, position, 0)  # gathered whole and kept where placed: no scatter
        for name, values in cells_by_system[s].values.items():
            out[name] = np.where(here, values[at], out[name])
    return out
