"""Distance functions against one reference technology: published values, duality, infeasibility, units, stacking."""

import numpy as np
import pytest

from orchestration.lib.frontier import directional_distance, output_distance
from orchestration.lib.frontier.distance import radial_output_batch
from orchestration.lib.frontier.lp import LpBatch, solve_batch
from tests.lib.independent import beta, multiplier_beta, multiplier_phi, shephard

# DataEnvelopmentAnalysis.jl test/dea.jl, "FLS Book data", tested there "against results in R".
FLS_X = np.array([[5, 13], [16, 12], [16, 26], [17, 15], [18, 14], [23, 6], [25, 10], [27, 22], [37, 14], [42, 25], [5, 17]])
FLS_Y = np.array([12, 14, 25, 26, 8, 9, 27, 30, 31, 26, 12])
# dea(X, Y, orient = :Output, rts = :CRS / :VRS): phi, published to 9-10 significant digits.
FLS_PHI_CRS = [1.0, 1.606968641, 1.219726027, 1.0, 3.221951220, 1.8, 1.0, 1.319837398, 1.219354839, 2.038461538, 1.0]
FLS_PHI_VRS = [1.0, 1.507518797, 1.0, 1.0, 3.203947368, 1.0, 1.0, 1.0, 1.0, 1.192307692, 1.0]


@pytest.mark.parametrize(("returns", "published"), [("crs", FLS_PHI_CRS), ("vrs", FLS_PHI_VRS)])
def test_output_oriented_efficiency_reproduces_dataenvelopmentanalysis_jl(returns, published):
    result = output_distance(FLS_X, FLS_Y, FLS_X, FLS_Y, returns)
    assert (result.status == "optimal").all()
    np.testing.assert_allclose(1.0 / result.value, published, rtol=0, atol=1e-8)


def _random_technology(seed, n_reference=12, n_evaluated=9):
    """Two inputs, two outputs; evaluated units partly outside the reference hull (cross-period like)."""
    rng = np.random.default_rng(seed)
    reference_x = rng.uniform(1, 10, (n_reference, 2))
    reference_y = rng.uniform(1, 10, (n_reference, 2)) * reference_x.mean(axis=1, keepdims=True) ** 0.8
    x = rng.uniform(0.5, 12, (n_evaluated, 2))
    y = rng.uniform(1, 12, (n_evaluated, 2)) * x.mean(axis=1, keepdims=True) ** 0.8
    return x, y, reference_x, reference_y


@pytest.mark.parametrize("returns", ["crs", "vrs"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_output_distance_equals_multiplier_form(returns, seed):
    x, y, reference_x, reference_y = _random_technology(seed)
    result = output_distance(x, y, reference_x, reference_y, returns)
    expected = np.array([shephard(multiplier_phi(x[i], y[i], reference_x, reference_y, returns)) for i in range(len(x))])
    np.testing.assert_array_equal(np.isnan(result.value), np.isnan(expected))
    np.testing.assert_array_equal(result.status == "optimal", ~np.isnan(expected))
    np.testing.assert_allclose(result.value, expected, rtol=0, atol=1e-8, equal_nan=True)


@pytest.mark.parametrize("bad_model", ["weak_disposability", "as_inputs"])
@pytest.mark.parametrize("seed", [4, 5, 6])
def test_directional_distance_equals_multiplier_form(bad_model, seed):
    x, y, reference_x, reference_y = _random_technology(seed)
    rng = np.random.default_rng(seed + 100)
    reference_b = reference_y[:, :1] * rng.uniform(0.3, 1.5, (len(reference_y), 1))
    b = y[:, :1] * rng.uniform(0.3, 1.5, (len(y), 1))
    result = directional_distance(x, y, b, reference_x, reference_y, reference_b, bad_model)
    expected = np.array(
        [beta(multiplier_beta(x[i], y[i], b[i], reference_x, reference_y, reference_b, bad_model)) for i in range(len(x))]
    )
    np.testing.assert_array_equal(result.status == "optimal", ~np.isnan(expected))
    np.testing.assert_allclose(result.value, expected, rtol=0, atol=1e-8, equal_nan=True)


def test_vrs_programme_of_a_unit_using_less_input_than_every_reference_unit_is_infeasible():
    """Hand derivation: with sum lambda = 1 and every reference input >= 2, sum lambda x >= 2 > x0 = 1."""
    result = output_distance([[1.0], [2.5]], [[1.0], [1.0]], [[2.0], [3.0]], [[1.0], [4.0]], "vrs")
    assert result.status.tolist() == ["infeasible", "optimal"]
    assert np.isnan(result.value[0])
    # (2.5, 1) against the segment from (2, 1) to (3, 4): frontier output at x = 2.5 is 2.5, D = 1 / 2.5.
    assert result.value[1] == pytest.approx(0.4, abs=1e-12)
    # The same unit under constant returns is feasible: the ray through (3, 4) gives 4/3 per unit input.
    assert output_distance([[1.0]], [[1.0]], [[2.0], [3.0]], [[1.0], [4.0]], "crs").value[0] == pytest.approx(0.75, abs=1e-12)


def test_distances_do_not_depend_on_units_of_measurement():
    """Radial and directional distances are invariant to rescaling a variable (GDP in dollars or millions)."""
    x, y, reference_x, reference_y = _random_technology(7)
    scale_x, scale_y = np.array([1e6, 1e-3]), np.array([1e9, 1.0])
    for returns in ("crs", "vrs"):
        plain = output_distance(x, y, reference_x, reference_y, returns).value
        scaled = output_distance(x * scale_x, y * scale_y, reference_x * scale_x, reference_y * scale_y, returns).value
        np.testing.assert_allclose(scaled, plain, rtol=1e-9, equal_nan=True)


def test_stacked_runs_give_the_one_by_one_results_and_statuses():
    """Programmes stacked into block-diagonal LPs, with infeasible ones among them, match single-programme runs."""
    x, y, reference_x, reference_y = _random_technology(8, n_reference=15, n_evaluated=37)
    x[[3, 17, 30]] = 0.1  # less of both inputs than any reference unit: infeasible under variable returns
    batch = radial_output_batch(x, y, reference_x, reference_y, "vrs")
    one_by_one = solve_batch(batch, copies=1)
    assert (one_by_one.status == "infeasible").sum() >= 3
    for copies in (4, 10, 37):
        stacked = solve_batch(batch, copies=copies)
        np.testing.assert_array_equal(stacked.status, one_by_one.status)
        np.testing.assert_allclose(stacked.score, one_by_one.score, rtol=0, atol=1e-9, equal_nan=True)


def test_zero_output_is_reported_unbounded():
    """With y0 = 0 phi is unbounded (the documented convention: NaN and status, not D = 0)."""
    result = output_distance([[1.0], [1.0]], [[0.0], [2.0]], [[1.0], [2.0]], [[1.0], [3.0]])
    assert result.status.tolist() == ["unbounded", "optimal"]
    assert np.isnan(result.value[0]) and result.value[1] == pytest.approx(2 / 1.5, abs=1e-12)


def test_empty_reference_set_is_reported_not_solved():
    batch = LpBatch(np.zeros((2, 0)), np.zeros((3, 2)), np.zeros((3, 2)), np.ones((3, 2)))
    assert solve_batch(batch).status.tolist() == ["empty_reference_set"] * 3


@pytest.mark.parametrize(
    ("inputs", "outputs", "message"),
    [
        ([[-1.0]], [[1.0]], "negative"),
        ([[np.nan]], [[1.0]], "missing"),
        ([[1.0, 2.0]], [[1.0]], "variables"),
    ],
)
def test_bad_data_is_rejected(inputs, outputs, message):
    with pytest.raises(ValueError, match=message):
        output_distance(inputs, outputs, [[1.0], [2.0]], [[1.0], [3.0]])
