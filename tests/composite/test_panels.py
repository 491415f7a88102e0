"""The composite library's panels from the dbt relations: each cell of the filled grid placed by
the parts of its key, checked against an independent placement by joins on the key's parts."""

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from orchestration.lib.cell_keys import cell_key
from orchestration.lib.composite import panel_table, tables
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


def panel_inputs(engine: EngineInput) -> dict:
    """The other relations int_nqpf__07_panel reads, for the fixture's two systems: the sample (every
    unit-year of the rows' range with its unit number, in the window, and in the index where it has
    a row) and every indicator with its number, the left-out one included; and the units with a
    number each, for the expected rows."""
    rows = engine.rows.df()
    units = pd.DataFrame({"unit_no": range(0, 60)}).assign(
        geo_code=lambda d: "G" + d["unit_no"].astype(str), geography="provinces"
    )
    sample = []
    for system_id, years in {"cross_country": range(2000, 2005), "china_provinces": range(2002, 2005)}.items():
        index = set(map(tuple, rows.query("system_id == @system_id")[["geo_code", "year"]].to_numpy()))
        sample += [(system_id, f"G{u}", y, u, True, (f"G{u}", y) in index) for u in range(10, 40) for y in years]
    sample = pd.DataFrame(sample, columns=["system_id", "geo_code", "year", "unit_no", "in_window", "in_index"])
    sample.loc[len(sample)] = ("cross_country", "G12", 2005, 12, False, False)  # a unit-year after the window
    indicators = pd.DataFrame(
        [("cross_country", f"ind{no}", no, "laborers", "identity") for no in (1, 2, 3, 4)]
        + [("china_provinces", f"ind{no}", no, "laborers", None) for no in (5, 7)],
        columns=["system_id", "indicator_id", "indicator_no", "element", "transform"],
    )
    return {"units": units, "sample": sample, "indicators": indicators}


def test_the_panel_has_every_cell_in_use_in_the_window_with_the_librarys_values_at_its_place(engine):
    """int_nqpf__07_panel: a row for each grid cell of an indicator in use and a unit-year in the window;
    its cell key (whose parts the view mart_nqpf_panel labels), and the library's values at the cell's place in its system's panel
    (checked against the library's own placement, ``cell_positions``), none outside the index."""
    systems = pd.read_csv(SYSTEMS_SEED)
    inputs = panel_inputs(engine)
    # the grid's other columns: a published value where there is one, every seventh of them a gap fill
    grid = engine.cells.select(
        "cell_id, filled_value, filled_value as raw_value, null::double as denominator_value, filled_value as indicator_value, "
        "case when filled_value is null then null when cell_id % 7 = 0 then 'interpolated' else 'observed' end as fill_method, "
        "case when cell_id % 11 = 0 then 'value not positive, no logarithm' end as drop_reason"
    )
    engine = EngineInput(grid, engine.rows, engine.columns)
    out = (
        panel_table.panel(
            engine,
            systems,
            indicators=duckdb.from_df(inputs["indicators"]),
            sample=duckdb.from_df(inputs["sample"]),
        )
        .read_all()
        .to_pandas()
    )

    # which cells: an independent join of the grid with the sample and the indicators in use
    cells = engine.cells.df()
    cells["indicator_no"], cells["unit_no"], cells["year"] = (
        cells["cell_id"] // 2**36,
        cells["cell_id"] // 2**12 % 2**24,
        cells["cell_id"] % 2**12,
    )
    in_use = engine.columns.df()[["system_id", "indicator_no"]]
    expected = (
        cells.merge(in_use, on="indicator_no")
        .merge(inputs["units"][["unit_no", "geo_code"]], on="unit_no")
        .merge(inputs["sample"].query("in_window").drop(columns="unit_no"), on=["system_id", "geo_code", "year"])
    )
    assert out.columns[0] == "cell_id"
    assert len(out) == len(expected)
    assert out["cell_id"].is_unique
    merged = expected.merge(out, on="cell_id", suffixes=("_grid", ""))
    assert len(merged) == len(out)
    np.testing.assert_array_equal(merged["filled_value"], merged["filled_value_grid"])
    np.testing.assert_array_equal(merged["in_index"], merged["in_index_grid"])

    # the library's values at each cell's place: by the cell keys the library placed
    for system_id, (panel, _) in panels(engine, systems).items():
        result = tables.nominal_results(engine, systems)
        result = next(r for s, _, _, r in result if s == system_id)
        placed = pd.DataFrame(
            {
                "cell_id": panel.cell_ids,
                "treated": result.treated.reshape(-1)[panel.cell_positions],
                "prepared": result.prepared.reshape(-1)[panel.cell_positions],
                "normalised": result.normalised.reshape(-1)[panel.cell_positions],
                "imputed": result.imputed.reshape(-1)[panel.cell_positions],
            }
        )
        mine = merged.query("system_id == @system_id").merge(placed, on="cell_id", how="left")
        in_index = mine["in_index"].to_numpy()
        assert mine.loc[in_index, "treated"].notna().any()
        np.testing.assert_array_equal(mine.loc[in_index, "treated_value"], mine.loc[in_index, "treated"])
        np.testing.assert_array_equal(mine.loc[in_index, "prepared_value"], mine.loc[in_index, "prepared"])
        np.testing.assert_array_equal(mine.loc[in_index, "normalised_value"], mine.loc[in_index, "normalised"])
        np.testing.assert_array_equal(mine.loc[in_index, "is_imputed"], mine.loc[in_index, "imputed"])
        # outside the index (the one unit-year left out): no value from the library
        outside = mine.loc[~in_index]
        assert len(outside) == len(panel.indicators)  # a cell of each indicator in use
        assert outside[["treated_value", "prepared_value", "normalised_value"]].isna().all().all()
        assert (outside["treatment"] == "none").all() and not outside["is_imputed"].any()

    outlier = merged.loc[merged["filled_value"].idxmax()]
    # the outlier's indicator was treated (winsorised or logged), and the outlier with it
    assert outlier["treatment"] != "none" and outlier["treated_value"] < outlier["filled_value"]
    untreated = merged["in_index"] & (merged["treatment"] == "none")
    assert untreated.any()
    np.testing.assert_array_equal(merged.loc[untreated, "treated_value"], merged.loc[untreated, "filled_value"])
    assert merged["is_imputed"].any()
    np.testing.assert_array_equal(merged["is_filled"], merged["fill_method"] == "interpolated")
    assert merged["is_filled"].any()
    np.testing.assert_array_equal(merged["drop_reason"].notna(), merged["cell_id"] % 11 == 0)
    np.testing.assert_array_equal(merged["raw_value"], merged["filled_value"])
