"""The gap filling on dense arrays (orchestration.lib.gap_filling, model int_nqpf__03_filled)
against a cell-by-cell reading of the rule (docs block nqpf_panel), on random series with gaps,
values the transform dropped, and observations outside the window."""

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from orchestration.lib import gap_filling
from orchestration.lib.cell_keys import UNIT_BITS, YEAR_BITS

FIRST, LAST = 2005, 2014  # the grid's years; values are published from 2001 to 2017
PUBLISHED = {9: range(2001, 2010), 2: range(2011, 2018)}  # two units whose series end or start in the grid


def cell_id(indicator_no: int, unit_no: int, year: int) -> int:
    return ((indicator_no << UNIT_BITS) + unit_no << YEAR_BITS) + year


def reference(series: dict[int, tuple[float, bool]], year: int, max_gap: int, max_extrapolation: int):
    """The rule read cell by cell: ``series`` maps a year to (value, published); value NaN = unusable."""
    value, published = series.get(year, (np.nan, False))
    if not np.isnan(value):
        return "observed", value
    if published:
        return None, np.nan  # published but dropped: not filled over
    before = [y for y, (v, _) in series.items() if y < year and not np.isnan(v)]
    after = [y for y, (v, _) in series.items() if y > year and not np.isnan(v)]
    if before and after:
        y0, y1 = max(before), min(after)
        if y1 - y0 - 1 <= max_gap:
            v0, v1 = series[y0][0], series[y1][0]
            return "interpolated", v0 + (v1 - v0) * (year - y0) / (y1 - y0)
    elif before and year - max(before) <= max_extrapolation:
        return "extrapolated", series[max(before)][0]
    elif after and min(after) - year <= max_extrapolation:
        return "extrapolated", series[min(after)][0]
    return None, np.nan


@pytest.fixture
def system():
    rng = np.random.default_rng(7)
    geographies = pd.DataFrame({"geo_code": ["AAA", "BBB", "CCC", "DDD", "EEE"], "geography": "g", "unit_no": [3, 1, 4, 2, 9]})
    indicators = pd.DataFrame(
        {
            "system_id": "s",
            "indicator_id": ["a", "b"],
            "indicator_no": [1, 2],
            "geography": "g",
            "window_start": FIRST,
            "fixed_window_end": [LAST, LAST],
            "max_gap_years": [2, 0],
            "max_extrapolation_years": [1, 3],
            "valid_min": [0.0, np.nan],
            "valid_max": [np.nan, np.nan],
        }
    )
    rows = []
    for no in (1, 2):
        for unit in geographies["unit_no"]:
            for year in PUBLISHED.get(unit, range(2001, 2018)):
                draw = rng.random()
                if draw < 0.45:  # not published
                    continue
                if draw < 0.55:  # published, dropped by the transform (for one of two reasons)
                    rows.append((cell_id(no, unit, year), 1.0, np.nan, "no logarithm" if draw < 0.5 else "no denominator"))
                else:
                    value = round(rng.uniform(1, 100), 3)
                    rows.append((cell_id(no, unit, year), value, value, None))
    frame = pd.DataFrame(rows, columns=["cell_id", "raw_value", "indicator_value", "drop_reason"])
    table = pa.Table.from_pandas(frame.assign(denominator_value=np.nan), preserve_index=False)
    return indicators, geographies, table


def filled_table(indicators, geographies, table) -> pd.DataFrame:
    import duckdb

    values = gap_filling.read_values(duckdb.connect().from_arrow(table))
    grids = gap_filling.grids(indicators, values)
    reader = gap_filling.filled(values, grids, gap_filling.units_by_geography(geographies))
    out = reader.read_all().to_pandas()
    # the grid names each cell by its key alone: its indicator, unit and year, decoded here
    cells = out["cell_id"].to_numpy(np.int64)
    keys = pd.DataFrame(
        {
            "indicator_no": cells >> (UNIT_BITS + YEAR_BITS),
            "unit_no": (cells >> YEAR_BITS) & (2**UNIT_BITS - 1),
            "year": cells & (2**YEAR_BITS - 1),
        }
    )
    keys = keys.merge(indicators[["indicator_no", "indicator_id"]], how="left").merge(
        geographies[["unit_no", "geo_code"]], how="left"
    )
    return pd.concat([out, keys[["indicator_id", "geo_code", "year"]]], axis=1)


def test_every_cell_follows_the_rule(system):
    indicators, geographies, table = system
    out = filled_table(indicators, geographies, table).set_index(["indicator_id", "geo_code", "year"]).sort_index()
    assert len(out) == 2 * 5 * (LAST - FIRST + 1)  # every indicator x unit x grid year, once
    values = table["indicator_value"].to_numpy(zero_copy_only=False)  # NaN where the transform dropped it
    published = {c: (value, True) for c, value in zip(table["cell_id"].to_pylist(), values, strict=True)}
    reasons = dict(zip(table["cell_id"].to_pylist(), table["drop_reason"].to_pylist(), strict=True))
    methods, dropped = set(), set()
    for indicator in indicators.itertuples():
        for unit in geographies.itertuples():
            series = {
                y: published[cell_id(indicator.indicator_no, unit.unit_no, y)]
                for y in range(2001, 2018)
                if cell_id(indicator.indicator_no, unit.unit_no, y) in published
            }
            for year in range(FIRST, LAST + 1):
                method, value = reference(series, year, indicator.max_gap_years, indicator.max_extrapolation_years)
                row = out.loc[(indicator.indicator_id, unit.geo_code, year)]
                assert (None if pd.isna(row["fill_method"]) else row["fill_method"]) == method, (
                    indicator.indicator_id,
                    unit.geo_code,
                    year,
                )
                assert row["filled_value"] == value or (np.isnan(value) and pd.isna(row["filled_value"]))
                assert row["cell_id"] == cell_id(indicator.indicator_no, unit.unit_no, year)
                reason = reasons.get(row["cell_id"])  # the published reason, kept on the grid
                assert (None if pd.isna(row["drop_reason"]) else row["drop_reason"]) == reason
                methods.add(method)
                dropped.add(reason)
    assert methods == {"observed", "interpolated", "extrapolated", None}  # the draw exercises every branch
    assert dropped == {"no logarithm", "no denominator", None}


def test_an_auto_window_ends_in_the_systems_last_year_with_a_usable_value(system):
    indicators, geographies, table = system
    indicators = indicators.assign(fixed_window_end=np.nan)
    out = filled_table(indicators, geographies, table)
    cells, values = table["cell_id"].to_numpy(), table["indicator_value"].to_numpy(zero_copy_only=False)
    usable = cells[~np.isnan(values)]
    assert out["year"].max() == max(c & (2**YEAR_BITS - 1) for c in usable) == 2017


def test_two_values_for_one_cell_stop_with_the_cell_named(system):
    indicators, geographies, table = system
    twice = pa.concat_tables([table, table.slice(0, 1)])
    first = table["cell_id"][0].as_py()
    code = geographies.set_index("unit_no").loc[(first >> YEAR_BITS) & (2**UNIT_BITS - 1), "geo_code"]
    with pytest.raises(gap_filling.InputError) as error:
        filled_table(indicators, geographies, twice)
    assert str(error.value) == (
        "more than one value for a cell of the indicator grid (system | indicator | unit code | year):\n"
        f"  - s | a | {code} | {first & (2**YEAR_BITS - 1)}"
    )


def test_a_geography_without_units_has_no_grid(system):
    indicators, geographies, table = system
    indicators = indicators.assign(geography=["g", "nowhere"])
    out = filled_table(indicators, geographies, table)
    assert set(out["indicator_id"]) == {"a"} and len(out) == 5 * (LAST - FIRST + 1)


def test_a_system_without_any_usable_value_has_no_grid_even_with_a_fixed_window(system):
    indicators, geographies, table = system
    dropped = table.filter(pa.compute.is_null(table["indicator_value"]))  # only values the transform dropped
    assert dropped.num_rows and filled_table(indicators, geographies, dropped).empty


def test_a_window_that_ends_before_it_starts_and_no_values_give_no_rows(system):
    indicators, geographies, table = system
    assert filled_table(indicators.assign(fixed_window_end=FIRST - 2), geographies, table).empty
    assert filled_table(indicators, geographies, table.slice(0, 0)).empty


def test_values_outside_their_range_or_not_a_number_stop_with_where_they_were_published():
    import duckdb

    indicators = pd.DataFrame(
        {
            "system_id": "s",
            "indicator_id": ["a", "b"],
            "indicator_no": [1, 2],
            "source": "wdi",
            "indicator_code": ["A1", "B1"],
            "valid_min": [0.0, 0.0],
            "valid_max": [50.0, np.nan],
        }
    )
    geographies = pd.DataFrame({"geo_code": ["AAA", "BBB"], "unit_no": [3, 1]})
    cells = [cell_id(1, 3, 2002), cell_id(1, 1, 2001), cell_id(1, 3, 2001), cell_id(2, 1, 2003), cell_id(2, 3, 2003)]
    values = pa.table(
        {
            "cell_id": cells,
            "raw_value": [60.0, 70.0, 10.0, float("nan"), -1.0],
            "denominator_value": [None] * 5,
            "indicator_value": [60.0, 70.0, 10.0, float("nan"), -1.0],  # a: two over 50; b: NaN, one below 0
            "drop_reason": [None] * 5,
        },
        schema=pa.schema(
            [
                ("cell_id", pa.int64()),
                *((c, pa.float64()) for c in ("raw_value", "denominator_value", "indicator_value")),
                ("drop_reason", pa.string()),
            ]
        ),
    )
    connection = duckdb.connect()
    connection.execute(
        "create table o as select * from (values ('wdi', 'A1', 'AAA', 2002, 'wdi.csv', 5), ('wdi', 'A1', 'AAA', 2002, 'wdi.csv', 9),"
        " ('wdi', 'B1', 'BBB', 2003, 'b.csv', 12)) o(source, indicator_code, geo_code, year, source_file, source_line)"
    )
    with pytest.raises(gap_filling.InputError) as error:
        gap_filling.check_ranges(
            gap_filling.read_values(connection.from_arrow(values)), indicators, geographies, connection.table("o")
        )
    assert (
        str(error.value)
        == (
            gap_filling.RANGE_HEADLINE + ":\n"
            "  - s | a | AAA | 2002 | 60.0 | [0.0, 50.0] | wdi.csv line 5\n"  # published twice: both lines
            "  - s | a | AAA | 2002 | 60.0 | [0.0, 50.0] | wdi.csv line 9\n"
            "  - s | a | BBB | 2001 | 70.0 | [0.0, 50.0] | wdi\n"  # not read from a file: the source
            "  - s | b | AAA | 2003 | -1.0 | None | wdi\n"  # no upper bound: the range is unknown, the lower still holds
            "  - s | b | BBB | 2003 | nan | None | b.csv line 12"
        )
    )
