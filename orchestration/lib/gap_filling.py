"""The NQPF indicator grid with its gaps filled (the dbt model int_nqpf__03_filled), on dense arrays.

Rule: docs block ``nqpf_panel`` (dbt_project/models/docs/methods.md). Every system indicator gets
the grid of its geography's units x its system's window years; a missing value is filled by
linear interpolation between the unit's nearest observations before and after it when at most
``max_gap_years`` years lie between them, or by carrying the nearest observation when it is at
most ``max_extrapolation_years`` away and there is none on the other side; a published value the
transform could not use is not filled over. Observations outside the window anchor fills into it.

Why NumPy and not SQL: the grid is a dense array per indicator (units x years), where the nearest
observation before and after every cell is a running maximum and minimum along the year axis. In
SQL the same needs a full outer join of the grid with the values and two window functions that
sort every cell, which at 30M cells took 26-40 s on two cores and spilled 5 GB to disk under the
benchmark's memory limit; here it is one pass per indicator (see README, "Beyond one machine").
"""

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial, reduce
from operator import and_, or_

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .arrow_columns import column, concatenated, labelled
from .cell_keys import cell_key, indicator_no, lookup, unit_no, year

FILL_METHODS = ("observed", "interpolated", "extrapolated")
OBSERVED, INTERPOLATED, EXTRAPOLATED = range(len(FILL_METHODS))
NO_FILL = -1

RANGE_HEADLINE = (
    "indicator values outside their valid range (system | indicator | unit code | year | value | valid range | published at); "
    "the range is the seed's valid_min and valid_max in dbt_project/seeds/nqpf_indicators.csv"
)
LISTED = 20  # offending cells named in a message; the rest are counted

# The cell's system, indicator, unit and year are the parts of its key (macros nqpf_cell_*): as
# text columns they took half the grid's writing time at 30M cells (7 of 14 CPU-seconds).
SCHEMA = pa.schema(
    [
        ("cell_id", pa.int64()),
        ("raw_value", pa.float64()),
        ("denominator_value", pa.float64()),
        ("indicator_value", pa.float64()),
        ("drop_reason", pa.dictionary(pa.int32(), pa.string())),
        ("fill_method", pa.dictionary(pa.int32(), pa.string())),
        ("filled_value", pa.float64()),
    ]
)


class InputError(ValueError):
    """Values the grid cannot take; the message names every offending cell and where it was published."""


@dataclass(frozen=True)
class Indicator:
    """One system indicator's grid and filling limits (int_nqpf__01_system_indicators)."""

    system_id: str
    indicator_id: str
    indicator_no: int
    geography: str
    first_year: int
    last_year: int
    max_gap_years: int
    max_extrapolation_years: int


@dataclass(frozen=True)
class Values:
    """The published values of int_nqpf__02_indicator_values, column by column, keyed by ``cell_id``."""

    cell_id: np.ndarray
    raw_value: np.ndarray  # NaN where null, as the two below
    denominator_value: np.ndarray
    indicator_value: np.ndarray
    drop_code: np.ndarray  # index into drop_reasons, -1 where none
    drop_reasons: pa.Array
    not_a_number: np.ndarray  # rows whose indicator value is NaN, not null: check_ranges stops on them


def read_values(relation: duckdb.DuckDBPyRelation) -> Values:
    numbers = ("raw_value", "denominator_value", "indicator_value")
    table = relation.select(
        "cell_id, "
        + ", ".join(f"coalesce({name}, 'NaN'::double) as {name}" for name in numbers)
        + ", drop_reason, coalesce(isnan(indicator_value), false) as not_a_number"
    ).to_arrow_table()
    reasons = pc.unique(table["drop_reason"]).drop_null()
    return Values(
        cell_id=concatenated(table["cell_id"]),
        **{name: concatenated(table[name]) for name in numbers},
        drop_code=_codes(table["drop_reason"], reasons),
        drop_reasons=reasons,
        not_a_number=np.flatnonzero(concatenated(table["not_a_number"])),
    )


def _codes(labels: pa.ChunkedArray, value_set: pa.Array) -> np.ndarray:
    """Each row's position in ``value_set``, -1 where null. Looked up on the rows with a label
    only: a dropped value is rare, and ``index_in`` over every row took 2.3 s at 30M rows, where
    this takes 0.06 s."""
    codes = np.full(len(labels), -1, dtype=np.int32)
    labelled_rows = np.flatnonzero(concatenated(pc.is_valid(labels)))
    if labelled_rows.size:
        codes[labelled_rows] = pc.index_in(labels.take(labelled_rows), value_set=value_set).to_numpy()
    return codes


def grids(indicators: pd.DataFrame, values: Values) -> list[Indicator]:
    """Each indicator's grid: its window starts at ``window_start`` and ends at the system's
    ``fixed_window_end`` or, when that is ``auto``, at the system's last year with a usable value."""
    if indicators.empty:
        return []
    usable = values.cell_id[~np.isnan(values.indicator_value)]
    last_usable = np.full(int(indicators["indicator_no"].max()) + 1, -1)
    np.maximum.at(last_usable, indicator_no(usable), year(usable))
    indicators = indicators.assign(last_usable=last_usable[indicators["indicator_no"]])
    indicators["last_usable"] = indicators["last_usable"].where(indicators["last_usable"] >= 0)
    per_system = indicators.groupby("system_id").agg(fixed_end=("fixed_window_end", "max"), last_usable=("last_usable", "max"))
    # a system without any usable value has no grid, whatever its window says
    last_year = per_system["fixed_end"].fillna(per_system["last_usable"]).where(per_system["last_usable"].notna())
    grids = [
        Indicator(
            system_id=row.system_id,
            indicator_id=row.indicator_id,
            indicator_no=int(row.indicator_no),
            geography=row.geography,
            first_year=int(row.window_start),
            last_year=int(last_year[row.system_id]),
            max_gap_years=int(row.max_gap_years),
            max_extrapolation_years=int(row.max_extrapolation_years),
        )
        for row in indicators.sort_values("indicator_no").itertuples()
        if not pd.isna(last_year[row.system_id])
    ]
    return [grid for grid in grids if grid.first_year <= grid.last_year]  # a window that ends before it starts is empty


@dataclass(frozen=True)
class Units:
    """One geography's units in order of ``unit_no`` (int_geographies)."""

    unit_no: np.ndarray
    geo_code: pa.Array

    def positions(self, numbers: np.ndarray) -> np.ndarray:
        """Each unit number's position in the geography; -1 for a number not of this geography."""
        return lookup(self.unit_no, max(self.unit_no.max(initial=0), numbers.max(initial=0)) + 1)[numbers]


def units_by_geography(geographies: pd.DataFrame) -> dict[str, Units]:
    out = {}
    for geography, units in geographies.sort_values("unit_no").groupby("geography", sort=False):
        out[geography] = Units(units["unit_no"].to_numpy(np.int64), pa.array(units["geo_code"], pa.string()))
    return out


@dataclass(frozen=True)
class Placement:
    """Where one indicator's values go in its dense array (units x every year with a value or on the grid)."""

    indicator: Indicator
    units: Units
    first: int  # the array's first year
    shape: tuple[int, int]
    at: np.ndarray  # each row's flat position in the array


def filled(values: Values, indicators: list[Indicator], units: dict[str, Units]) -> pa.RecordBatchReader:
    """The filled grid, one batch per indicator: a stream, so that no more than two indicators'
    cells (the one DuckDB writes, the next one being filled) are held at a time beside the values.
    An error while filling (``InputError``: a value that fits no cell, two for one cell) reaches
    dbt through DuckDB's stream reader, with its message: placing every value before the stream
    took 5 s more at 30M cells, as it could not overlap DuckDB's write."""
    batches = _one_ahead(
        partial(_indicator_batch, indicator, rows, values, units[indicator.geography])
        for indicator, rows in _rows_by_indicator(values, indicators, units)
    )
    return pa.RecordBatchReader.from_batches(SCHEMA, batches)


def _rows_by_indicator(values: Values, indicators: list[Indicator], units: dict[str, Units]):
    """Each indicator with units, and its rows of ``values``."""
    indicators = [i for i in indicators if i.geography in units]  # a geography without units has no grid
    numbers = indicator_no(values.cell_id)
    wanted = np.array([i.indicator_no for i in indicators], dtype=np.int64)
    # as 16-bit integers (int_nqpf__01 numbers the seed's rows, a few hundred) the stable sort is a
    # radix sort, linear in the rows
    if max(numbers.max(initial=0), wanted.max(initial=0)) < 2**15:
        numbers, wanted = numbers.astype(np.int16), wanted.astype(np.int16)
    order = np.argsort(numbers, kind="stable")
    # all at once, in the numbers' type: each call converts the sorted numbers when the types differ
    starts, ends = np.searchsorted(numbers[order], wanted), np.searchsorted(numbers[order], wanted, side="right")
    for indicator, start, end in zip(indicators, starts, ends, strict=True):
        yield indicator, order[start:end]


def _placement(indicator: Indicator, rows: np.ndarray, values: Values, units: Units) -> Placement:
    """Where the indicator's ``rows`` of ``values`` go; stops on a unit outside its geography and on two values for a cell."""
    cells = values.cell_id[rows]
    years = year(cells)
    first = min(indicator.first_year, int(years.min(initial=indicator.first_year)))
    last = max(indicator.last_year, int(years.max(initial=indicator.last_year)))
    shape = (units.unit_no.size, last - first + 1)
    positions = units.positions(unit_no(cells))
    if (positions < 0).any():
        raise InputError(f"values of {indicator.indicator_id} for units outside its geography {indicator.geography}")
    at = np.ravel_multi_index((positions, years - first), shape)
    placement = Placement(indicator, units, first, shape, at)
    _one_value_per_cell(placement)
    return placement


def _one_ahead(jobs: Iterator[Callable[[], pa.RecordBatch]]) -> Iterator[pa.RecordBatch]:
    """The jobs' batches in order, each next one computed in a thread while DuckDB writes the last:
    DuckDB reads a stream on one thread, so without this the other core would wait (NumPy lets go
    of the interpreter lock while it computes)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = None
        for job in jobs:
            future = pool.submit(job)
            if pending is not None:
                yield pending.result()
            pending = future
        if pending is not None:
            yield pending.result()


def _indicator_batch(indicator: Indicator, rows: np.ndarray, values: Values, units: Units) -> pa.RecordBatch:
    placement = _placement(indicator, rows, values, units)
    dense = {
        name: _dense(placement, getattr(values, name)[rows]) for name in ("raw_value", "denominator_value", "indicator_value")
    }
    drop_code = np.full(placement.shape, -1, dtype=np.int32)
    drop_code.flat[placement.at] = values.drop_code[rows]

    grid = slice(indicator.first_year - placement.first, indicator.last_year - placement.first + 1)
    method, value = _fill(dense["indicator_value"], dense["raw_value"], indicator, grid)
    grid_years = np.arange(indicator.first_year, indicator.last_year + 1, dtype=np.int32)
    n_units, n_years = placement.shape[0], grid_years.size
    cell_id = cell_key(indicator.indicator_no, np.repeat(units.unit_no, n_years), np.tile(grid_years, n_units))
    on_grid = {name: array[:, grid].reshape(-1) for name, array in dense.items()}
    return pa.record_batch(
        [
            pa.array(cell_id),
            *(column(on_grid[name]) for name in ("raw_value", "denominator_value", "indicator_value")),
            labelled(values.drop_reasons, drop_code[:, grid]),
            labelled(FILL_METHODS, method),
            column(value.reshape(-1)),
        ],
        schema=SCHEMA,
    )


def _one_value_per_cell(placement: Placement) -> None:
    """Two values for one cell would otherwise overwrite each other unseen: int_nqpf__02 gives one
    value per indicator, unit and year."""
    indicator, shape = placement.indicator, placement.shape
    repeated = np.flatnonzero(np.bincount(placement.at, minlength=shape[0] * shape[1]) > 1)
    if repeated.size:
        units, years = np.unravel_index(repeated, shape)
        lines = [
            f"  - {indicator.system_id} | {indicator.indicator_id} | {placement.units.geo_code[u]} | {placement.first + y}"
            for u, y in zip(units[:LISTED], years[:LISTED], strict=True)
        ]
        raise InputError(
            "more than one value for a cell of the indicator grid (system | indicator | unit code | year):\n"
            + "\n".join(lines + _more(repeated.size))
        )


def _more(count: int) -> list[str]:
    return [f"  ... and {count - LISTED} more"] if count > LISTED else []


def _dense(placement: Placement, values: np.ndarray) -> np.ndarray:
    out = np.full(placement.shape, np.nan)
    out.flat[placement.at] = values
    return out


def _fill(value: np.ndarray, raw: np.ndarray, indicator: Indicator, grid: slice) -> tuple[np.ndarray, np.ndarray]:
    """Per grid cell (units x grid years): how its value was obtained (code into FILL_METHODS, or
    NO_FILL) and the value. ``value`` and ``raw`` span the grid's years and every year with a
    value (units x years); ``grid`` is the grid's columns in them."""
    out = value[:, grid].copy()
    method = np.where(np.isnan(out), NO_FILL, OBSERVED).astype(np.int32)
    # a cell without a usable value that was not published either (one the transform dropped is
    # not filled over); only these few are looked at further
    unit, column = np.nonzero(np.isnan(out) & np.isnan(raw[:, grid]))
    if not unit.size:
        return method, out
    usable, columns, none_after = ~np.isnan(value), np.arange(value.shape[1]), value.shape[1]
    # the column of the nearest usable value at or before / at or after each cell (-1 / none_after: none)
    nearest_before = np.maximum.accumulate(np.where(usable, columns, -1), axis=1)
    nearest_after = np.minimum.accumulate(np.where(usable, columns, none_after)[:, ::-1], axis=1)[:, ::-1]
    here = column + grid.start
    before, after = nearest_before[unit, here], nearest_after[unit, here]
    has_before, has_after = before >= 0, after < none_after
    before_value = value[unit, np.where(has_before, before, 0)]
    after_value = value[unit, np.where(has_after, after, 0)]

    interpolated = has_before & has_after & (after - before - 1 <= indicator.max_gap_years)
    extrapolated = (has_before & ~has_after & (here - before <= indicator.max_extrapolation_years)) | (
        ~has_before & has_after & (after - here <= indicator.max_extrapolation_years)
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        # in this order, a + (b - a) * (t - t0) / (t1 - t0), as the published panels always computed it (the same rounding)
        line = before_value + (after_value - before_value) * (here - before) / (after - before)
    method[unit, column] = np.select([interpolated, extrapolated], [INTERPOLATED, EXTRAPOLATED], NO_FILL)
    out[unit, column] = np.select([interpolated, extrapolated], [line, np.where(has_before, before_value, after_value)], np.nan)
    return method, out


def check_ranges(
    values: Values,
    indicators: pd.DataFrame,
    geographies: pd.DataFrame,
    observations: duckdb.DuckDBPyRelation,
) -> None:
    """Stop on any value outside its indicator's ``valid_min`` and ``valid_max`` (seed
    nqpf_indicators), or not a number, naming each with the file and line it was published at
    (int_observations)."""
    if not values.cell_id.size:
        return
    no = indicator_no(values.cell_id)
    low, high = (_by_number(indicators, bound) for bound in ("valid_min", "valid_max"))
    with np.errstate(invalid="ignore"):  # a missing bound (NaN) compares false: no limit, as null in SQL
        outside = (values.indicator_value < low[no]) | (values.indicator_value > high[no])
    rows = np.union1d(np.flatnonzero(outside), values.not_a_number)
    if not rows.size:
        return
    found = pd.DataFrame(
        {
            "indicator_no": no[rows],
            "unit_no": unit_no(values.cell_id[rows]),
            "year": year(values.cell_id[rows]).astype(np.int32),
            "value": values.indicator_value[rows],
        }
    )
    found = found.merge(indicators, on="indicator_no").merge(geographies[["unit_no", "geo_code"]], on="unit_no")
    found = found.sort_values(["system_id", "indicator_id", "geo_code", "year"], ignore_index=True)
    listed = _published_at(found.head(LISTED), observations)
    lines = [
        f"  - {c.system_id} | {c.indicator_id} | {c.geo_code} | {c.year} | {c.value!r} | {_range(c.valid_min, c.valid_max)} | {c.published_at}"
        for c in listed.itertuples()
    ]
    raise InputError(RANGE_HEADLINE + ":\n" + "\n".join(lines + _more(len(found))))


def _range(low: float, high: float) -> str:
    # as the text '[' || low || ', ' || high || ']' was in SQL: None when a bound is missing
    return "None" if pd.isna(low) or pd.isna(high) else f"[{low!r}, {high!r}]"


def _published_at(cells: pd.DataFrame, observations: duckdb.DuckDBPyRelation) -> pd.DataFrame:
    """The cells with ``published_at``, ``file line n`` of each observation (a row for each, should
    one cell have two), or the indicator's source where none was read from a file."""
    keys = ["source", "indicator_code", "geo_code", "year"]
    wanted = [
        reduce(
            and_,
            (duckdb.ColumnExpression(key) == duckdb.ConstantExpression(value) for key, value in zip(keys, cell, strict=True)),
        )
        for cell in cells[keys].astype({"year": int}).itertuples(index=False)
    ]
    lines = observations.filter(reduce(or_, wanted)).select(*keys, "source_file", "source_line").df()
    at = cells.merge(lines.astype({"year": "int32", "source_line": "Int64"}), on=keys, how="left")
    return at.assign(published_at=(at["source_file"] + " line " + at["source_line"].astype("string")).fillna(at["source"]))


def _by_number(indicators: pd.DataFrame, name: str) -> np.ndarray:
    """``name`` of the indicators as an array indexed by ``indicator_no``."""
    out = np.full(int(indicators["indicator_no"].max()) + 1, np.nan)
    out[indicators["indicator_no"].to_numpy()] = indicators[name].to_numpy(np.float64)
    return out
