"""The composite library's panels from the dbt relations: each cell of the filled grid placed by
the parts of its key, checked against an independent placement by joins on the key's parts."""

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from orchestration.lib.cell_keys import cell_key
from orchestration.lib.composite import tables
from orchestration.lib.composite.panels import EngineInput, panels

SYSTEMS_SEED = Path(__file__).parents[2] / "dbt_project" / "seeds" / "nqpf_systems.csv"


@pytest.fixture
def engine() -> EngineInput:
    """Two systems on the same units (as the seed's two provincial systems share the provinces),
    with cells the panels must pass over: a unit-year out of the index, an indicator left out,
    units and years outside the rows' range; missing values as SQL nulls, and one outlier."""
    rng = np.random.default_rng(3)
    con = duckdb.connect()
    rows, columns, cells = [], [], []
    units = range(10, 40)
    layout = {  # system: (indicator numbers in use, indicator numbers left out, years)
        "cross_country": ([1, 2, 4], [3], range(2000, 2005)),
        "china_provinces": ([7, 5], [], range(2002, 2005)),
    }
    for system_id, (in_use, left_out, years) in layout.items():
        index = [(u, y) for u in units for y in years if (u, y) != (units[1], years[2])]  # one unit-year out of the index
        rows += [(system_id, r, f"G{u}", y, f"group{u % 2}", u) for r, (u, y) in enumerate(index)]
        columns += [(system_id, c, f"ind{no}", no, "laborers", "+") for c, no in enumerate(in_use)]
        grid_units, grid_years = range(units[0] - 1, units[-1] + 2), range(years[0] - 1, years[-1] + 2)  # one beyond each end
        for no in in_use + left_out:
            for u in grid_units:
                for y in grid_years:
                    cells.append([int(cell_key(no, u, y)), None if rng.random() < 0.2 else float(rng.normal(10, 1))])
    outlier = next(cell for cell in cells if cell[0] == cell_key(2, 20, 2002))
    outlier[1] = 1e6  # in cross_country's panel, for the treatment to catch
    order = rng.permutation(len(cells))  # the library may not rely on the grid's order
    con.execute("create table cells (cell_id bigint, filled_value double)")
    con.executemany("insert into cells values (?, ?)", [cells[i] for i in order])
    con.execute(
        "create table engine_rows (system_id varchar, panel_row integer, geo_code varchar, year integer, unit_group varchar, unit_no integer)"
    )
    con.executemany("insert into engine_rows values (?, ?, ?, ?, ?, ?)", rows)
    con.execute(
        "create table engine_columns (system_id varchar, panel_column integer, indicator_id varchar, indicator_no integer, element varchar, direction varchar)"
    )
    con.executemany("insert into engine_columns values (?, ?, ?, ?, ?, ?)", columns)
    return EngineInput(con.table("cells"), con.table("engine_rows"), con.table("engine_columns"))


def expected_values(engine: EngineInput, system_id: str) -> np.ndarray:
    """The system's matrix by joins on the key's parts (pandas), not by the library's lookups."""
    cells = engine.cells.df()
    cells["indicator_no"] = cells["cell_id"] // 2**36
    cells["unit_no"] = cells["cell_id"] // 2**12 % 2**24
    cells["year"] = cells["cell_id"] % 2**12
    rows = engine.rows.df().query("system_id == @system_id")
    columns = engine.columns.df().query("system_id == @system_id")
    placed = cells.merge(rows, on=["unit_no", "year"]).merge(columns, on="indicator_no")
    values = np.full((len(rows), len(columns)), np.nan)
    values[placed["panel_row"], placed["panel_column"]] = placed["filled_value"]
    return values


def test_every_cell_of_the_panel_and_no_other_is_placed(engine):
    systems = pd.read_csv(SYSTEMS_SEED)
    built = panels(engine, systems)
    assert sorted(built) == ["china_provinces", "cross_country"]
    for system_id, (panel, _) in built.items():
        expected = expected_values(engine, system_id)
        np.testing.assert_array_equal(panel.values, expected)
        # each placed cell's key goes with its position, for the per-cell output
        rows, columns = np.divmod(panel.cell_positions, len(panel.indicators))
        key_rows = engine.rows.df().query("system_id == @system_id").sort_values("panel_row")
        numbers = engine.columns.df().query("system_id == @system_id").sort_values("panel_column")["indicator_no"].to_numpy()
        np.testing.assert_array_equal(
            panel.cell_ids, cell_key(numbers[columns], key_rows["unit_no"].to_numpy()[rows], key_rows["year"].to_numpy()[rows])
        )
        assert panel.cell_ids.size == expected.size  # every index unit-year has a cell of every indicator in use here


def test_the_per_cell_values_are_keyed_by_the_cells_own_key(engine):
    """int_nqpf__07_values: one row per panel cell, its key, and the library's values at its place."""
    systems = pd.read_csv(SYSTEMS_SEED)
    out = tables.values(engine, systems).to_pandas().set_index("cell_id")
    built = panels(engine, systems)
    assert len(out) == sum(panel.values.size for panel, _ in built.values())
    assert out.index.is_unique
    filled = engine.cells.df().set_index("cell_id")["filled_value"]
    outlier = filled.idxmax()
    # the outlier's indicator was treated (winsorised or logged), and the outlier with it
    assert out.loc[outlier, "treatment"] != "none"
    assert out.loc[outlier, "treated_value"] < filled[outlier]
    # elsewhere a value the treatment left alone is the filled value, and exactly the missing ones are imputed
    untreated = out["treatment"] == "none"
    assert untreated.any()
    np.testing.assert_array_equal(out.loc[untreated, "treated_value"], filled[out.index[untreated]])
    np.testing.assert_array_equal(out["is_imputed"], filled[out.index].isna() & out["prepared_value"].notna())
    assert out["is_imputed"].any()
