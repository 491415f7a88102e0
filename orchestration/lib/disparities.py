"""Sums of absolute differences between the units of two regions: the costly part of Dagum's Gini.

Dagum's decomposition (docs block ``nqpf_disparities``) needs, for every pair of regions a and b
of a system-year-measure, ``sum over i in a, r in b of |y_i - y_r|``. Over every pair of units that
is n^2 per group (8M pairs per measure-year at 2,800 counties); from one sort it is n log n plus
n per region. ``mart_nqpf_disparities`` turns the sums into the Gini and its parts; the singular
test ``dagum_sorted_sums_equal_the_pairwise_definition`` checks them against every pair.
"""

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

GROUP_KEYS = ("system_id", "year", "measure")


def pair_sums(y: np.ndarray, region: np.ndarray, regions: int) -> np.ndarray:
    """``sums[a, b]`` = sum over units i of region a and r of region b of ``|y_i - y_r|``.

    ``region`` holds codes 0 .. regions-1. With y ascending, for unit i and region b let c be the
    number of b's units up to i and s their sum; then ``sum_r |y_i - y_r| = y_i (2c - n_b) + S_b - 2s``.
    A tie counts the same on either side (it adds 0), so the order among equal values is free."""
    order = np.argsort(y, kind="stable")
    y, region = y[order], region[order]
    sums = np.zeros((regions, regions))
    for b in range(regions):
        in_b = region == b
        count = np.cumsum(in_b)
        total = np.cumsum(np.where(in_b, y, 0.0))
        distance = y * (2 * count - count[-1]) + total[-1] - 2 * total
        sums[:, b] = np.bincount(region, weights=distance, minlength=regions)
    return sums


def region_pair_sums(values: duckdb.DuckDBPyRelation) -> pa.Table:
    """Per system, year, measure and ordered pair of regions present: ``sum_abs``.

    ``values`` has a row per unit and measure: system_id, year, measure, region, y (the model
    ``int_nqpf__12_disparity_values``)."""
    table = values.select("system_id, year, measure, region, y").to_arrow_table()
    keys = [_codes(table[name]) for name in GROUP_KEYS]
    group = np.zeros(table.num_rows, dtype=np.int64)
    for codes, labels in keys:
        group = group * (len(labels) + 1) + codes
    region_codes, region_labels = _codes(table["region"])
    y = table["y"].to_numpy(zero_copy_only=False)
    order = np.argsort(group, kind="stable")
    starts = np.flatnonzero(np.diff(group[order], prepend=-1))
    columns: dict[str, list] = {name: [] for name in (*GROUP_KEYS, "region_a", "region_b", "sum_abs")}
    for rows in np.split(order, starts[1:]):
        present, local = np.unique(region_codes[rows], return_inverse=True)
        sums = pair_sums(y[rows], local, present.size)
        a, b = np.divmod(np.arange(present.size**2), present.size)
        first = rows[0]
        for name, (codes, labels) in zip(GROUP_KEYS, keys, strict=True):
            columns[name].extend([labels[codes[first]]] * a.size)
        columns["region_a"].extend(region_labels[present[a]])
        columns["region_b"].extend(region_labels[present[b]])
        columns["sum_abs"].extend(sums.reshape(-1))
    schema = pa.schema([(name, table.schema.field(name).type) for name in GROUP_KEYS])
    schema = schema.append(pa.field("region_a", pa.string())).append(pa.field("region_b", pa.string()))
    return pa.table(columns, schema=schema.append(pa.field("sum_abs", pa.float64())))


def _codes(column: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of a column and the label of each code (a null is a label of its own)."""
    encoded = pc.dictionary_encode(column.combine_chunks(), null_encoding="encode")
    labels = np.array(encoded.dictionary.to_pylist(), dtype=object)
    return encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64), labels
