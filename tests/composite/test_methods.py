"""The composite library's methods against independent computations (pandas, scipy, formulas by hand)."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from orchestration.lib.composite import aggregation, audit, imputation, normalisation, statistics, uncertainty, weighting
from orchestration.lib.composite.system import Alternatives, Choices, DrawEvaluator, Panel, evaluate
from orchestration.lib.composite.treatment import TreatmentRule


@pytest.fixture
def data() -> np.ndarray:
    rng = np.random.default_rng(7)
    x = rng.lognormal(size=(60, 5))
    x[rng.random(x.shape) < 0.15] = np.nan
    return x


def test_group_median_imputation_equals_pandas(data):
    groups = np.array(["a", "b", "c"] * 20, dtype=object)
    ours = imputation.impute_columns(data, "group_median", groups)
    frame = pd.DataFrame(data)
    medians = frame.groupby(groups).transform("median")
    np.testing.assert_array_equal(ours, frame.fillna(medians).to_numpy())


def test_a_group_without_values_falls_back_to_every_unit(data):
    data = data.copy()
    groups = np.array(["a"] * 30 + ["b"] * 30, dtype=object)
    data[:30, 0] = np.nan  # group a never has indicator 0
    ours = imputation.impute_columns(data, "group_median", groups)
    assert np.all(ours[:30, 0] == np.nanmedian(data[:, 0]))


def test_skewness_and_kurtosis_equal_scipy_without_bias():
    x = np.random.default_rng(3).lognormal(0, 1, 5_000)
    x[::97] = np.nan  # missing values are left out
    present = x[~np.isnan(x)]
    skewness, kurtosis = statistics.shape(x)
    assert skewness == pytest.approx(stats.skew(present, bias=False), rel=1e-12)
    assert kurtosis == pytest.approx(stats.kurtosis(present, bias=False), rel=1e-12)
    assert np.isnan(statistics.shape(np.array([1.0, 2.0, np.nan]))).all()  # fewer than three values
    assert np.isnan(statistics.shape(np.array([1.0, 2.0, 3.0]))[1])  # kurtosis needs four
    assert np.isnan(statistics.shape(np.full(5, 2.0))).all()  # no spread


def test_zscore_and_rank_normalisation_equal_scipy(data):
    z = normalisation.zscore(data)
    r = normalisation.rank(data)
    for j in range(data.shape[1]):
        present = ~np.isnan(data[:, j])
        np.testing.assert_allclose(z[present, j], stats.zscore(data[present, j], ddof=1), rtol=1e-12)
        np.testing.assert_allclose(r[present, j], stats.rankdata(data[present, j]) / present.sum(), rtol=1e-15)
        assert np.isnan(z[~present, j]).all() and np.isnan(r[~present, j]).all()


def test_weights_by_hand():
    z = np.array([[0.1, 1.0, 0.5], [0.5, 0.2, 0.6], [1.0, 0.1, 0.9], [0.4, 0.6, 0.1]])
    elements = np.array(["a", "a", "b"])
    # entropy
    p = z / z.sum(axis=0)
    d = 1 + (p * np.log(p)).sum(axis=0) / np.log(4)
    _, in_system = weighting.weights(z, elements, "entropy")
    np.testing.assert_allclose(in_system, d / d.sum(), rtol=1e-14)
    # CRITIC over the system: sd times the sum of (1 - r)
    r = np.corrcoef(z, rowvar=False)
    c = z.std(axis=0, ddof=1) * (1 - r).sum(axis=1)
    np.testing.assert_allclose(weighting.weights(z, elements, "critic")[1], c / c.sum(), rtol=1e-12)
    # equal: elements share the system equally
    np.testing.assert_allclose(weighting.weights(z, elements, "equal")[1], [0.25, 0.25, 0.5])
    # PCA: squared loadings of the element's first component, sum 1 per element, elements equal
    in_element, in_system = weighting.weights(z, elements, "pca")
    np.testing.assert_allclose(in_element[:2], [0.5, 0.5], rtol=1e-12)  # two columns: equal loadings
    np.testing.assert_allclose(in_system, [0.25, 0.25, 0.5], rtol=1e-12)


@pytest.mark.parametrize("missing", [0.0, 0.15])
def test_critic_weights_equal_pandas_pairwise_correlations(missing):
    """Within each element from the element's own columns, over the system from all of them;
    correlations over the rows where both columns have a value (pandas' DataFrame.corr), and with
    no value missing the one-product path."""
    rng = np.random.default_rng(8)
    z = rng.random((200, 5)) @ rng.random((5, 5))  # correlated columns
    z[rng.random(z.shape) < missing] = np.nan
    elements = np.array(["a", "a", "a", "b", "b"])

    def critic(frame: pd.DataFrame) -> np.ndarray:
        information = frame.std(ddof=1) * (1 - frame.corr()).sum(axis=1)
        return (information / information.sum()).to_numpy()

    frame = pd.DataFrame(z)
    in_element, in_system = weighting.weights(z, elements, "critic")
    np.testing.assert_allclose(in_system, critic(frame), rtol=1e-12)
    for name in ("a", "b"):
        members = elements == name
        np.testing.assert_allclose(in_element[members], critic(frame.loc[:, members]), rtol=1e-12)


def test_weighted_means_over_available_values():
    x = np.array([[1.0, 4.0, np.nan], [2.0, 8.0, 4.0]])
    w = np.array([1.0, 1.0, 2.0])
    np.testing.assert_allclose(aggregation.weighted_mean(x, w), [2.5, 4.5])
    np.testing.assert_allclose(
        aggregation.weighted_mean(x, w, "geometric"), [2.0, np.exp((np.log(2) + np.log(8) + 2 * np.log(4)) / 4)]
    )
    with pytest.raises(ValueError, match="the geometric mean needs positive values"):
        aggregation.weighted_mean(np.array([[0.0, 1.0]]), np.ones(2), "geometric")


def test_ranks_within_groups_equal_scipy_with_ties():
    rng = np.random.default_rng(3)
    values = rng.integers(0, 6, size=(40, 7)).astype(float)
    groups = np.repeat([2019, 2020], 20)
    ours = uncertainty.ranks_within(values, groups)
    for g in (2019, 2020):
        rows = groups == g
        np.testing.assert_array_equal(ours[rows], stats.rankdata(-values[rows], method="min", axis=0))


def test_sensitivity_indices_of_a_linear_model():
    """Y = 1 X1 + 2 X2 + 0 X3 with independent uniforms: S_i = a_i^2 / sum a^2 = 0.2, 0.8, 0; S_Ti = S_i."""
    design = uncertainty.saltelli_design({"x1": 1, "x2": 1, "x3": 1}, n=20000, seed=11)
    a = np.array([1.0, 2.0, 0.0])

    def f(sample):
        return (sample @ a)[None, :]

    f_a, f_b = f(design.a), f(design.b)
    for name, expected in (("x1", 0.2), ("x2", 0.8), ("x3", 0.0)):
        first, total = uncertainty.sensitivity_indices(f_a, f_b, f(design.ab(name)))
        assert first[0] == pytest.approx(expected, abs=0.02)
        assert total[0] == pytest.approx(expected, abs=0.02)


def test_correlation_ratio():
    x = np.linspace(0, 1, 1000)
    assert audit.correlation_ratio(x, np.sin(6 * x)) > 0.99  # y is a function of x, not a linear one
    noise = np.random.default_rng(5).random(1000)
    assert audit.correlation_ratio(x, noise) < 0.06


def small_panel() -> Panel:
    rng = np.random.default_rng(1)
    values = rng.lognormal(size=(90, 6))
    values[0, 0] = 400.0  # an outlier for the treatment to find
    values[rng.random(values.shape) < 0.1] = np.nan
    return Panel(
        geo=np.tile(np.array([f"u{i}" for i in range(30)], dtype=object), 3),
        year=np.repeat([2020, 2021, 2022], 30),
        group=np.tile(np.array(["g1", "g2", "g3"] * 10, dtype=object), 3),
        indicators=[f"i{j}" for j in range(6)],
        elements=np.array(
            ["laborers", "laborers", "instruments_of_labor", "instruments_of_labor", "subjects_of_labor", "subjects_of_labor"]
        ),
        directions=np.array([1.0, 1.0, -1.0, 1.0, 1.0, 1.0]),
        values=values,
    )


@pytest.mark.parametrize(
    "choices",
    [
        Choices(),
        Choices(treatment=None, imputation="group_median", weighting="critic", normalisation="rank", aggregation="geometric"),
        Choices(imputation="indicator_mean", weighting="pca", normalisation="zscore"),
    ],
)
def test_the_monte_carlo_fast_path_gives_evaluate_s_ranks(choices):
    """A draw that picks the given choices with no weight noise (u = 0.5) ranks as ``evaluate`` does."""
    panel = small_panel()
    alternatives = Alternatives(treatment=(TreatmentRule(), None), imputation=("none", "indicator_mean", "group_median"))
    levels = [
        alternatives.treatment.index(choices.treatment),
        alternatives.imputation.index(choices.imputation),
        alternatives.weighting.index(choices.weighting),
    ]
    tail = [alternatives.normalisation.index(choices.normalisation), alternatives.aggregation.index(choices.aggregation)]
    sizes = (len(alternatives.treatment), len(alternatives.imputation), len(alternatives.weighting))
    u = [(level + 0.5) / size for level, size in zip(levels, sizes, strict=True)]
    u += [0.5] * len(panel.indicators)
    u += [(tail[0] + 0.5) / 3, (tail[1] + 0.5) / 2]
    fast = DrawEvaluator(panel, alternatives).ranks(np.array([u]))[:, 0]
    np.testing.assert_array_equal(fast, evaluate(panel, choices).ranks)
