"""Malmquist-Luenberger index: published values, hand derivations with dual certificates, duality, identities."""

import numpy as np
import pandas as pd
import pytest

from orchestration.lib.frontier import directional_distance, malmquist_luenberger
from tests.lib.independent import beta, multiplier_beta
from tests.lib.panels import long_panel, pair

# DataEnvelopmentAnalysis.jl test/malmluen.jl and test/deaenv.jl: 5 units, input 1 everywhere.
JL_Y = [[7, 5, 1, 3, 4], [8, 5.5, 2, 2, 4], [8, 5.5, 2, 2, 4]]
JL_B = [[2, 5, 3, 3, 2], [1, 3, 2, 4, 1], [0.5, 2, 0.5, 3, 0.5]]
JL_X = [[1] * 5] * 3


def jl_panel(periods: int) -> pd.DataFrame:
    return long_panel({"x": JL_X[:periods], "y": JL_Y[:periods], "b": JL_B[:periods]})


def test_environmental_efficiency_reproduces_dataenvelopmentanalysis_jl():
    """deaenv(X, Y, B) (default directions Gx = 0, Gy = Y, Gb = B), test/deaenv.jl. Its programme has an
    inequality on bads (bad_model="as_inputs")."""
    x, y, b = np.ones(5), np.array(JL_Y[0], dtype=float), np.array(JL_B[0], dtype=float)
    result = directional_distance(x, y, b, x, y, b, bad_model="as_inputs")
    np.testing.assert_allclose(
        result.value, [0.0, 0.4000000000000002, 0.8260869565217392, 0.5555555555555556, 0.27272727272727276], atol=1e-9
    )


def test_two_periods_reproduce_dataenvelopmentanalysis_jl():
    result = pair(malmquist_luenberger(jl_panel(2), "unit", "period", ["x"], ["y"], ["b"], bad_model="as_inputs"), 0)
    assert (result["status"] == "optimal").all()
    np.testing.assert_allclose(result["ml"], [1.3702375781, 1.1, 1.1259778360, 0.91624569458, 1.2792042981], rtol=0, atol=1e-9)
    np.testing.assert_allclose(result["ec"], [1.0, 0.9625, 1.027173913, 119 / 144, 21 / 22], rtol=0, atol=1e-9)
    np.testing.assert_allclose(
        result["tc"], [1.3702375781, 1.1428571429, 1.0961900625, 1.1087342859, 1.3401187885], rtol=0, atol=1e-9
    )


def test_three_periods_reproduce_dataenvelopmentanalysis_jl():
    """Published there to about 6 significant digits, tested with atol = 1e-5."""
    result = malmquist_luenberger(jl_panel(3), "unit", "period", ["x"], ["y"], ["b"], bad_model="as_inputs")
    first, second = pair(result, 0), pair(result, 1)
    np.testing.assert_allclose(first["ml"], [1.37024, 1.1, 1.12598, 0.916246, 1.2792], rtol=0, atol=1e-5)
    np.testing.assert_allclose(second["ml"], [1.22474, 1.0, 1.25245, 1.01484, 1.26491], rtol=0, atol=1e-5)
    np.testing.assert_allclose(second["ec"], [1.0, 1.0, 1.11111, 0.980392, 1.0], rtol=0, atol=1e-5)
    np.testing.assert_allclose(second["tc"], [1.22474, 1.0, 1.1272, 1.03514, 1.264910], rtol=0, atol=1e-5)


def test_weak_disposability_by_hand_with_dual_certificates():
    """Chung et al.'s equality on bads changes dmu1 and dmu2 of the DataEnvelopmentAnalysis.jl data.

    Programme: max beta s.t. sum lambda <= 1, sum lambda y >= (1 + beta) y0, sum lambda b = (1 - beta) b0.
    Dual: min v - u y0 + w b0 s.t. v - u y_j + w b_j >= 0, u y0 + w b0 = 1, v, u >= 0, w free.
    A primal solution and a dual solution with the same value prove optimality.

    dmu1, D^0(0) at (7, 2): lambda_1 = 1, beta = 0; dual v = 0, u = 1/14, w = 1/4 (value 0; feasible as 7 b_j >= 2 y_j).
    dmu1, D^1(1) at (8, 1): lambda_1 = 1, beta = 0; dual v = 0, u = 1/16, w = 1/2 (value 0; 8 b_j >= y_j).
    dmu1, D^0(1) at (8, 1) against period 0: lambda_1 = 16/23, beta = -9/23 (b: 32/23 = 1 + 9/23, y: 112/23 = 8 x 14/23);
      dual v = 0, u = 2/23, w = 7/23, value -16/23 + 7/23 = -9/23 (feasible as 7 b_j >= 2 y_j).
    dmu1, D^1(0) at (7, 2) against period 1: lambda_1 = 4/9, lambda_2 = 5/9, beta = -1/18 (b: 19/9, y: 59.5/9);
      dual v = 37/18, u = 2/9, w = -5/18, value 37/18 - 28/18 - 10/18 = -1/18 (slacks 19/18, 9/18, 16/18 >= 0).
    So ML(dmu1) = sqrt((1 + 0) / (1 - 9/23) x (1 - 1/18) / (1 + 0)) = sqrt(391/252), EC = 1.

    dmu2, D^0(0) at (5, 5): adding the goods and bads rows, sum lambda (y + b) >= 10, and with sum lambda <= 1 that
      needs all weight on dmu2 (y + b = 10, the others 9, 4, 6, 6): beta = 0 (0.4 under "as_inputs").
    dmu2, D^1(0) at (5, 5) against period 1: the same sum must reach 10, but y + b <= 9 in period 1: infeasible.
    """
    result = pair(malmquist_luenberger(jl_panel(2), "unit", "period", ["x"], ["y"], ["b"]), 0)
    dmu1, dmu2 = result.loc["dmu1"], result.loc["dmu2"]
    assert [dmu1["d_t_t"], dmu1["d_t1_t1"], dmu1["d_t_t1"], dmu1["d_t1_t"]] == pytest.approx([0, 0, -9 / 23, -1 / 18], abs=1e-10)
    assert dmu1["ml"] == pytest.approx(np.sqrt(391 / 252), abs=1e-10)
    assert dmu1["ec"] == pytest.approx(1.0, abs=1e-10)
    assert dmu2["d_t_t"] == pytest.approx(0.0, abs=1e-10)
    assert np.isnan(dmu2["d_t1_t"]) and dmu2["status"] == "d_t1_t: infeasible"
    assert np.isnan(dmu2["ml"]) and np.isnan(dmu2["tc"]) and np.isnan(dmu2["ml_cum"])
    assert dmu2["ec"] == pytest.approx((1 + 0) / (1 + dmu2["d_t1_t1"]), abs=1e-12)


def random_environmental_panel(seed: int, n_units: int = 12, n_periods: int = 3) -> pd.DataFrame:
    """2 inputs, 2 good outputs, 1 bad output (emissions roughly proportional to the first good), seeded."""
    rng = np.random.default_rng(seed)
    rows = []
    for period in range(n_periods):
        x = rng.uniform(1, 10, (n_units, 2))
        y = rng.uniform(0.5, 1.0, (n_units, 2)) * (x[:, :1] ** 0.4 * x[:, 1:] ** 0.6) * 1.05**period
        b = y[:, 0] * rng.uniform(0.4, 1.2, n_units) * 0.97**period
        for unit in range(n_units):
            rows.append(
                {
                    "unit": f"u{unit:02d}",
                    "period": period,
                    "x1": x[unit, 0],
                    "x2": x[unit, 1],
                    "y1": y[unit, 0],
                    "y2": y[unit, 1],
                    "co2": b[unit],
                }
            )
    return pd.DataFrame(rows)


@pytest.mark.parametrize("bad_model", ["weak_disposability", "as_inputs"])
def test_multi_input_multi_output_distances_equal_the_multiplier_form(bad_model):
    panel = random_environmental_panel(21)
    result = malmquist_luenberger(panel, "unit", "period", ["x1", "x2"], ["y1", "y2"], ["co2"], bad_model=bad_model)
    assert len(result) == 12 * 2
    by_period = {p: g.set_index("unit").sort_index() for p, g in panel.groupby("period")}
    columns = (["x1", "x2"], ["y1", "y2"], ["co2"])
    for _, row in result.iterrows():
        technologies = {"t": by_period[row["period_from"]], "t1": by_period[row["period_to"]]}
        for technology, observed in (("t", "t"), ("t1", "t1"), ("t", "t1"), ("t1", "t")):
            reference, unit = technologies[technology], technologies[observed].loc[row["unit"]]
            expected = beta(
                multiplier_beta(*(unit[c].to_numpy() for c in columns), *(reference[c].to_numpy() for c in columns), bad_model)
            )
            actual = row[f"d_{technology}_{observed}"]
            if np.isnan(expected):
                assert np.isnan(actual) and f"d_{technology}_{observed}: infeasible" in row["status"]
            else:
                assert actual == pytest.approx(expected, abs=1e-8)


def test_identities_ml_equals_ec_times_tc_and_cumulative_products():
    result = malmquist_luenberger(
        random_environmental_panel(22, n_units=15, n_periods=5), "unit", "period", ["x1", "x2"], ["y1", "y2"], ["co2"]
    )
    feasible = result["ml"].notna()
    assert feasible.sum() > 20  # weak disposability leaves about half the cross-period programmes of random data infeasible
    np.testing.assert_allclose(result.loc[feasible, "ml"], (result["ec"] * result["tc"])[feasible], rtol=1e-12)
    for _, unit in result.sort_values("period_from").groupby("unit"):
        for column in ("ml", "ec", "tc"):
            np.testing.assert_allclose(unit[f"{column}_cum"], np.cumprod(unit[column].to_numpy()), rtol=1e-12)


def test_unknown_bad_model_is_rejected():
    with pytest.raises(ValueError, match="bad_model"):
        malmquist_luenberger(jl_panel(2), "unit", "period", ["x"], ["y"], ["b"], bad_model="strong")
