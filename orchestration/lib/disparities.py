"""Sums of absolute differences between the units of two regions: the costly part of Dagum's Gini.

Dagum's decomposition (docs block ``nqpf_disparities``) needs, for every pair of regions a and b
of a system-year-measure, ``sum over i in a, r in b of |y_i - y_r|``. Over every pair of units that
is n^2 per group (8M pairs per measure-year at 2,800 counties); from one sort it is n log n plus
n per region. ``mart_nqpf_disparities`` turns the sums into the Gini and its parts; the singular
test ``dagum_sorted_sums_equal_the_pairwise_definition`` checks them against every pair.
"""

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

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
    ``int_nqpf__12_disparity_values``). DuckDB gathers each group's regions and values; a null
    region is a region of its own."""
    groups = values.aggregate(
        "system_id, year, measure, list(region) as regions, list(y) as y", "system_id, year, measure"
    ).to_arrow_table()
    columns: dict[str, list] = {name: [] for name in (*GROUP_KEYS, "region_a", "region_b", "sum_abs")}
    for i in range(groups.num_rows):
        codes, labels = pd.factorize(np.array(groups["regions"][i].as_py(), dtype=object), use_na_sentinel=False)
        labels = np.where(pd.isna(labels), None, labels)  # factorize labels a null region NaN
        sums = pair_sums(groups["y"][i].values.to_numpy(zero_copy_only=False), codes, labels.size)
        a, b = np.divmod(np.arange(labels.size**2), labels.size)
        for name in GROUP_KEYS:
            columns[name].extend([groups[name][i].as_py()] * a.size)
        columns["region_a"].extend(labels[a])
        columns["region_b"].extend(labels[b])
        columns["sum_abs"].extend(sums.reshape(-1))
    schema = pa.schema([groups.schema.field(name) for name in GROUP_KEYS])
    schema = schema.append(pa.field("region_a", pa.string())).append(pa.field("region_b", pa.string()))
    return pa.table(columns, schema=schema.append(pa.field("sum_abs", pa.float64())))
