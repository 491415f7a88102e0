"""Region-pair sums of absolute differences (Dagum's Gini) against every pair of units."""

import duckdb
import numpy as np
import pandas as pd

from orchestration.lib.disparities import pair_sums, region_pair_sums


def _every_pair(y, region, a, b):
    return np.abs(y[region == a][:, None] - y[region == b][None, :]).sum()


def test_pair_sums_equal_the_sum_over_every_pair_with_ties():
    rng = np.random.default_rng(7)
    y = np.round(rng.lognormal(size=500), 1)  # rounded: many ties, within and across regions
    region = rng.integers(0, 5, y.size)
    sums = pair_sums(y, region, 5)
    expected = np.array([[_every_pair(y, region, a, b) for b in range(5)] for a in range(5)])
    np.testing.assert_allclose(sums, expected, rtol=1e-12, atol=0)
    np.testing.assert_allclose(sums, sums.T, rtol=1e-12)


def test_region_pair_sums_per_group_only_for_the_regions_present():
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(
        {
            "system_id": ["s1"] * 40 + ["s2"] * 30,
            "year": [2020] * 20 + [2021] * 20 + [2020] * 30,
            "geo_code": [f"G{i}" for i in range(70)],
            "region": list(rng.choice(["East", "West"], 40)) + list(rng.choice(["East", "North", None], 30)),
            "measure": ["nqpf_index"] * 70,
            "y": rng.random(70),
        }
    )
    con = duckdb.connect()
    out = region_pair_sums(con.from_df(frame)).to_pandas()
    expected = []
    for (system_id, year, measure), group in frame.groupby(["system_id", "year", "measure"]):
        labels = group["region"].fillna("(none)").to_numpy()  # a null region is a group of its own
        y = group["y"].to_numpy()
        for a in dict.fromkeys(labels):
            for b in dict.fromkeys(labels):
                total = np.abs(y[labels == a][:, None] - y[labels == b][None, :]).sum()
                expected.append((system_id, year, measure, a, b, total))
    expected = pd.DataFrame(expected, columns=out.columns)
    keys = ["system_id", "year", "measure", "region_a", "region_b"]
    out = out.fillna({"region_a": "(none)", "region_b": "(none)"})
    merged = out.merge(expected, on=keys, validate="1:1", how="outer", indicator=True)
    assert (merged["_merge"] == "both").all() and len(merged) == len(expected)
    np.testing.assert_allclose(merged["sum_abs_x"], merged["sum_abs_y"], rtol=1e-12)
