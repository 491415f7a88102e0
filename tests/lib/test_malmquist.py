"""Malmquist index on panels: published values, hand derivations, duality, identities, unbalanced panels."""

import numpy as np
import pandas as pd
import pytest

from orchestration.lib.frontier import malmquist, output_distance
from tests.lib.independent import multiplier_phi, shephard
from tests.lib.panels import long_panel, pair

# DataEnvelopmentAnalysis.jl test/malmquist.jl: 5 units, 1 input, 1 output, periods as columns.
JL_X = [[2, 3, 5, 4, 4], [1, 2, 4, 3, 4], [0.5, 1.5, 3, 2, 4]]
JL_Y = [[1, 4, 6, 3, 5], [1, 4, 6, 3, 3], [2, 4, 6, 3, 1]]


def test_two_periods_reproduce_dataenvelopmentanalysis_jl():
    """malmquist(X, Y) there is input oriented; under constant returns input and output orientation give the same index
    (its test asserts orient = :Output equals the default)."""
    result = malmquist(long_panel({"x": JL_X[:2], "y": JL_Y[:2]}), "unit", "period", ["x"], ["y"])
    assert len(result) == 5 and (result["status"] == "optimal").all()
    first = pair(result, 0)
    np.testing.assert_allclose(first["m"], [2.0, 1.5, 1.25, 1.3333333333, 0.6], rtol=0, atol=1e-9)
    np.testing.assert_allclose(first["ec"], [1.3333333333, 1.0, 0.8333333333, 0.8888888889, 0.4], rtol=0, atol=1e-9)
    np.testing.assert_allclose(first["tc"], [1.5] * 5, rtol=0, atol=1e-9)


def test_three_periods_reproduce_dataenvelopmentanalysis_jl():
    result = malmquist(long_panel({"x": JL_X, "y": JL_Y}), "unit", "period", ["x"], ["y"])
    first, second = pair(result, 0), pair(result, 1)
    np.testing.assert_allclose(first["m"], [2.0, 1.5, 1.25, 1.3333333333, 0.6], rtol=0, atol=1e-9)
    # Published to 7 decimals.
    np.testing.assert_allclose(second["m"], [4.0, 1.3333333, 1.3333333, 1.5, 0.3333333], rtol=0, atol=1e-7)
    np.testing.assert_allclose(second["ec"], [2.0, 0.6666667, 0.6666667, 0.75, 0.1666667], rtol=0, atol=1e-7)
    np.testing.assert_allclose(second["tc"], [2.0] * 5, rtol=0, atol=1e-9)


def test_one_input_one_output_distances_by_hand():
    """With one input and one output the CRS frontier is the best output/input ratio of the period:
    D^s(r) = (y_r / x_r) / max_j (y_j^s / x_j^s). Period 0 best ratio 4/3 (dmu2), period 1 best 2 (dmu2)."""
    result = pair(malmquist(long_panel({"x": JL_X[:2], "y": JL_Y[:2]}), "unit", "period", ["x"], ["y"]), 0)
    x0, y0, x1, y1 = (np.array(a, dtype=float) for a in (JL_X[0], JL_Y[0], JL_X[1], JL_Y[1]))
    np.testing.assert_allclose(result["d_t_t"], (y0 / x0) / (4 / 3), atol=1e-12)
    np.testing.assert_allclose(result["d_t1_t1"], (y1 / x1) / 2, atol=1e-12)
    np.testing.assert_allclose(result["d_t_t1"], (y1 / x1) / (4 / 3), atol=1e-12)
    np.testing.assert_allclose(result["d_t1_t"], (y0 / x0) / 2, atol=1e-12)


def test_vrs_decomposition_and_infeasible_cross_period_programme_by_hand():
    """Variable returns frontiers of the DataEnvelopmentAnalysis.jl data, derived by hand.

    Period 0 hull: (2,1)-(3,4)-(5,6), flat beyond x=5. Period 1 hull: (1,1)-(2,4)-(4,6), flat beyond x=4.
    D_v^0(0): dmu4 (4,3) against 5 -> 0.6, others on the frontier -> 1.
    D_v^1(1): dmu4 (3,3) against 5 -> 0.6; dmu5 (4,3) against 6 -> 0.5; others 1.
    D_v^0(1): dmu1 (1,1) uses less input than every period-0 unit: infeasible. dmu2 (2,4) vs 1 -> 4;
      dmu3 (4,6) vs 5 -> 1.2; dmu4 (3,3) vs 4 -> 0.75; dmu5 (4,3) vs 5 -> 0.6.
    D_v^1(0): (2,1) vs 4 -> 0.25; (3,4) vs 5 -> 0.8; (5,6) vs 6 -> 1; (4,3) vs 6 -> 0.5; (4,5) vs 6 -> 5/6.
    CRS EC (published) [4/3, 1, 5/6, 8/9, 0.4]; PEC = D_v^1(1)/D_v^0(0) = [1, 1, 1, 1, 0.5]; SEC = EC/PEC.
    """
    result = pair(malmquist(long_panel({"x": JL_X[:2], "y": JL_Y[:2]}), "unit", "period", ["x"], ["y"], returns="vrs"), 0)
    np.testing.assert_allclose(result["vrs_d_t_t"], [1, 1, 1, 0.6, 1], atol=1e-12)
    np.testing.assert_allclose(result["vrs_d_t1_t1"], [1, 1, 1, 0.6, 0.5], atol=1e-12)
    np.testing.assert_allclose(result["vrs_d_t_t1"], [np.nan, 4, 1.2, 0.75, 0.6], atol=1e-12)
    np.testing.assert_allclose(result["vrs_d_t1_t"], [0.25, 0.8, 1, 0.5, 5 / 6], atol=1e-12)
    np.testing.assert_allclose(result["pec"], [1, 1, 1, 1, 0.5], atol=1e-12)
    np.testing.assert_allclose(result["sec"], [4 / 3, 1, 5 / 6, 8 / 9, 0.8], atol=1e-12)
    # TC on the VRS technology (DataEnvelopmentAnalysis.jl's rts = :VRS): dmu2 sqrt(4/1 x 1/0.8) = sqrt(5).
    assert result.loc["dmu2", "tc_vrs"] == pytest.approx(np.sqrt(5), abs=1e-12)
    assert result.loc["dmu1", "status"] == "vrs_d_t_t1: infeasible"
    assert np.isnan(result.loc["dmu1", "tc_vrs"]) and np.isnan(result.loc["dmu1", "m_vrs"])
    # The failed VRS cross-period programme does not touch the FGNZ indices on the CRS technology.
    assert result.loc["dmu1", "m"] == pytest.approx(2.0, abs=1e-12)
    assert result.loc["dmu1", "pec"] == pytest.approx(1.0, abs=1e-12)
    assert (result.drop(index="dmu1")["status"] == "optimal").all()


def random_panel(seed: int, n_units: int = 12, n_periods: int = 3) -> pd.DataFrame:
    """2 inputs, 2 outputs, technical progress and noise, seeded."""
    rng = np.random.default_rng(seed)
    rows = []
    for period in range(n_periods):
        x = rng.uniform(1, 10, (n_units, 2))
        y = rng.uniform(0.5, 1.0, (n_units, 2)) * (x[:, :1] ** 0.4 * x[:, 1:] ** 0.6) * 1.05**period
        for unit in range(n_units):
            rows.append(
                {
                    "unit": f"u{unit:02d}",
                    "period": 2000 + period,
                    "x1": x[unit, 0],
                    "x2": x[unit, 1],
                    "y1": y[unit, 0],
                    "y2": y[unit, 1],
                }
            )
    return pd.DataFrame(rows)


@pytest.mark.parametrize("returns", ["crs", "vrs"])
def test_multi_input_multi_output_distances_equal_the_multiplier_form(returns):
    """Every distance of every pair against the dual (multiplier) programme solved one by one with linprog, to 1e-8."""
    panel = random_panel(11)
    result = malmquist(panel, "unit", "period", ["x1", "x2"], ["y1", "y2"], returns=returns)
    assert len(result) == 12 * 2
    by_period = {p: g.set_index("unit").sort_index() for p, g in panel.groupby("period")}
    prefixes = [""] + (["vrs_"] if returns == "vrs" else [])
    for _, row in result.iterrows():
        t, t1 = by_period[row["period_from"]], by_period[row["period_to"]]
        observations = {"t": t.loc[row["unit"]], "t1": t1.loc[row["unit"]]}
        technologies = {"t": t, "t1": t1}
        for prefix in prefixes:
            for technology, observed in (("t", "t"), ("t1", "t1"), ("t", "t1"), ("t1", "t")):
                reference, unit = technologies[technology], observations[observed]
                expected = shephard(
                    multiplier_phi(
                        unit[["x1", "x2"]].to_numpy(),
                        unit[["y1", "y2"]].to_numpy(),
                        reference[["x1", "x2"]].to_numpy(),
                        reference[["y1", "y2"]].to_numpy(),
                        "vrs" if prefix else "crs",
                    )
                )
                actual = row[f"{prefix}d_{technology}_{observed}"]
                if np.isnan(expected):
                    assert np.isnan(actual) and f"{prefix}d_{technology}_{observed}: infeasible" in row["status"]
                else:
                    assert actual == pytest.approx(expected, abs=1e-8)


@pytest.mark.parametrize("returns", ["crs", "vrs"])
def test_cross_period_distances_without_redundant_reference_units_equal_those_with_all(returns):
    """Cross-period radial programmes leave out reference units strictly inside their own frontier
    (distance.redundant_for_radial); output_distance against every unit of the period must agree."""
    panel = random_panel(18, n_units=60, n_periods=3)
    result = malmquist(panel, "unit", "period", ["x1", "x2"], ["y1", "y2"], returns=returns)
    prefix = "vrs_" if returns == "vrs" else ""
    by_period = {p: g.set_index("unit").sort_index() for p, g in panel.groupby("period")}
    for (t, t1), rows in result.groupby(["period_from", "period_to"]):
        rows = rows.set_index("unit").sort_index()
        # Many reference units are inside the frontier (half under VRS, more under CRS), so many were left out.
        assert (rows[f"{prefix}d_t_t"] < 1 - 1e-6).sum() >= 20
        for technology, observed, column in ((t, t1, "d_t_t1"), (t1, t, "d_t1_t")):
            reference, evaluated = by_period[technology], by_period[observed].loc[rows.index]
            full = output_distance(
                evaluated[["x1", "x2"]], evaluated[["y1", "y2"]], reference[["x1", "x2"]], reference[["y1", "y2"]], returns
            )
            np.testing.assert_array_equal(rows[f"{prefix}{column}"].isna(), full.status != "optimal")
            np.testing.assert_allclose(rows[f"{prefix}{column}"], full.value, rtol=0, atol=1e-9, equal_nan=True)


def test_identities_m_equals_ec_times_tc_and_ec_equals_pec_times_sec():
    """m, ec, tc, pec, sec are computed from their own distance ratios, so these are checks, not definitions."""
    result = malmquist(random_panel(12, n_units=20, n_periods=4), "unit", "period", ["x1", "x2"], ["y1", "y2"], returns="vrs")
    np.testing.assert_allclose(result["m"], result["ec"] * result["tc"], rtol=1e-12)
    np.testing.assert_allclose(result["ec"], result["pec"] * result["sec"], rtol=1e-12)
    feasible = result["tc_vrs"].notna()
    np.testing.assert_allclose(result.loc[feasible, "m_vrs"], (result["pec"] * result["tc_vrs"])[feasible], rtol=1e-12)


def test_cumulative_index_is_the_product_of_pair_indices_and_ec_telescopes():
    result = malmquist(random_panel(13, n_units=8, n_periods=5), "unit", "period", ["x1", "x2"], ["y1", "y2"])
    for _, unit in result.sort_values("period_from").groupby("unit"):
        for column in ("m", "ec", "tc"):
            np.testing.assert_allclose(unit[f"{column}_cum"], np.cumprod(unit[column].to_numpy()), rtol=1e-12)
        # With reference="period" each D^t(t) is one number, so the product of EC is D^T(T) / D^1(1).
        np.testing.assert_allclose(unit["ec_cum"], unit["d_t1_t1"] / unit["d_t_t"].iloc[0], rtol=1e-10)


def unbalanced_panel() -> pd.DataFrame:
    """random_panel over 2000-2004 with u03 absent in 2001, u04 absent in 2002, u05 entering in 2001 and u07 missing x1 in 2002."""
    panel = random_panel(14, n_units=10, n_periods=5)
    panel = panel[~((panel["unit"] == "u03") & (panel["period"] == 2001))]
    panel = panel[~((panel["unit"] == "u04") & (panel["period"] == 2002))]
    panel = panel[~((panel["unit"] == "u05") & (panel["period"] == 2000))].copy()
    panel.loc[(panel["unit"] == "u07") & (panel["period"] == 2002), "x1"] = np.nan
    return panel.sample(frac=1.0, random_state=0)  # row order must not matter


def test_unbalanced_panel_rows_statuses_and_chains():
    result = malmquist(unbalanced_panel(), "unit", "period", ["x1", "x2"], ["y1", "y2"])
    rows = result.set_index(["unit", "period_from"])
    # u03 has no pairs touching 2001; u05 none from 2000.
    assert ("u03", 2000) not in rows.index and ("u03", 2001) not in rows.index and ("u03", 2002) in rows.index
    assert ("u05", 2000) not in rows.index and ("u05", 2001) in rows.index
    # u07's pairs touching 2002 are kept, with NaN and the reason.
    for start in (2001, 2002):
        assert rows.loc[("u07", start), "status"] == "missing data in 2002"
        assert np.isnan(rows.loc[("u07", start), "m"])
    assert rows.loc[("u07", 2000), "status"] == "optimal"
    # Chains start at a unit's first pair (u03: 2002-2003, u05: 2001-2002) and are NaN after a gap between
    # pairs (u04 has 2000-2001, then 2003-2004) or a NaN link (u07 from 2001-2002 on, even where m is known).
    assert rows.loc[("u03", 2002), "m_cum"] == pytest.approx(rows.loc[("u03", 2002), "m"], rel=1e-12)
    assert rows.loc[("u05", 2002), "m_cum"] == pytest.approx(
        rows.loc[("u05", 2001), "m"] * rows.loc[("u05", 2002), "m"], rel=1e-12
    )
    assert rows.loc[("u04", 2000), "m_cum"] == pytest.approx(rows.loc[("u04", 2000), "m"], rel=1e-12)
    assert ("u04", 2001) not in rows.index and ("u04", 2002) not in rows.index and np.isnan(rows.loc[("u04", 2003), "m_cum"])
    assert not np.isnan(rows.loc[("u07", 2003), "m"]) and np.isnan(rows.loc[("u07", 2003), "m_cum"])
    assert np.isnan(rows.loc[("u07", 2001), "m_cum"]) and np.isnan(rows.loc[("u07", 2002), "m_cum"])
    # Units observed throughout get len(periods) - 1 pairs.
    assert (result.groupby("unit").size().drop(["u03", "u04", "u05"]) == 4).all()


@pytest.mark.parametrize("reference", ["period", "pair"])
def test_reference_sets_of_unbalanced_panels(reference):
    """Under "period" the period-t technology is every unit with complete data in t; under "pair" only units complete in t and t+1."""
    panel = unbalanced_panel()
    result = malmquist(panel, "unit", "period", ["x1", "x2"], ["y1", "y2"], reference=reference)
    t, t1 = 2000, 2001
    at = {p: g.dropna().set_index("unit").sort_index() for p, g in panel.groupby("period")}
    units_t = at[t].index if reference == "period" else at[t].index.intersection(at[t1].index)
    rows = result[result["period_from"] == t].set_index("unit")
    evaluated = at[t].loc[rows.index]
    expected = output_distance(
        evaluated[["x1", "x2"]], evaluated[["y1", "y2"]], at[t].loc[units_t, ["x1", "x2"]], at[t].loc[units_t, ["y1", "y2"]]
    )
    np.testing.assert_allclose(rows["d_t_t"], expected.value, atol=1e-10)
    # For a balanced panel the two choices are the same technology.
    balanced = random_panel(14, n_units=10, n_periods=4)
    by_period = malmquist(balanced, "unit", "period", ["x1", "x2"], ["y1", "y2"], reference="period")
    by_pair = malmquist(balanced, "unit", "period", ["x1", "x2"], ["y1", "y2"], reference="pair")
    pd.testing.assert_frame_equal(by_period, by_pair, rtol=1e-10)


def test_reference_choice_matters_when_an_entrant_shapes_the_frontier():
    """An economy observed only in 2000 that dominates everyone lowers D^2000(2000) under "period" but not "pair"."""
    panel = random_panel(15, n_units=6, n_periods=2)
    star = {"unit": "star", "period": 2000, "x1": 1.0, "x2": 1.0, "y1": 50.0, "y2": 50.0}
    panel = pd.concat([panel, pd.DataFrame([star])], ignore_index=True)
    by_period = malmquist(panel, "unit", "period", ["x1", "x2"], ["y1", "y2"], reference="period").set_index("unit")
    by_pair = malmquist(panel, "unit", "period", ["x1", "x2"], ["y1", "y2"], reference="pair").set_index("unit")
    assert "star" not in by_period.index
    assert (by_period["d_t_t"] < by_pair["d_t_t"] - 1e-6).all()
    np.testing.assert_allclose(by_period["d_t1_t1"], by_pair["d_t1_t1"], atol=1e-10)


def test_worker_processes_give_the_same_result():
    panel = random_panel(16, n_units=15, n_periods=4)
    serial = malmquist(panel, "unit", "period", ["x1", "x2"], ["y1", "y2"], returns="vrs", workers=1)
    parallel = malmquist(panel, "unit", "period", ["x1", "x2"], ["y1", "y2"], returns="vrs", workers=2)
    pd.testing.assert_frame_equal(serial, parallel)


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        (lambda p: pd.concat([p, p.head(1)]), ValueError, "more than one row"),
        (lambda p: p.assign(x1=-p["x1"]), ValueError, "negative"),
        (lambda p: p.drop(columns="y2"), KeyError, "y2"),
    ],
)
def test_bad_panels_are_rejected(change, error, message):
    with pytest.raises(error, match=message):
        malmquist(change(random_panel(17)), "unit", "period", ["x1", "x2"], ["y1", "y2"])
