"""The composite library against COINr 1.1.14 on its ASEM example (../shared/data/reference/coinr).

Every reference is COINr's own output (make_refs.R there); the inputs are COINr's own
intermediate data sets, so each step is checked on its own: imputation, treatment (with its
log), normalisation, aggregation (arithmetic and geometric, over COINr's tree), the 100-run
uncertainty analysis replayed from its recorded draws, Cronbach's alpha, correlations with the
parent and the first principal component.
"""

import numpy as np
import pandas as pd
import pytest

from orchestration.lib.composite import aggregation, audit, imputation, normalisation, uncertainty
from orchestration.lib.composite.treatment import TreatmentRule, treat
from orchestration.lib.settings import DEFAULT_MIRROR_DIR

REFERENCE = DEFAULT_MIRROR_DIR / "reference" / "coinr"


def read(name: str) -> pd.DataFrame:
    frame = pd.read_csv(REFERENCE / name)
    return frame.set_index("uCode") if "uCode" in frame.columns else frame


@pytest.fixture(scope="module")
def meta() -> pd.DataFrame:
    return read("raw_iMeta.csv")


@pytest.fixture(scope="module")
def indicators(meta) -> pd.DataFrame:
    return meta[meta["Type"] == "Indicator"]


@pytest.fixture(scope="module")
def tree(meta) -> tuple[dict[str, str], dict[str, float]]:
    nodes = meta[meta["Type"].isin(["Indicator", "Aggregate"])]
    parents = {r.iCode: r.Parent for r in nodes.itertuples() if isinstance(r.Parent, str)}
    return parents, {r.iCode: float(r.Weight) for r in nodes.itertuples()}


def close(ours: np.ndarray, theirs: np.ndarray, rel: float = 1e-12) -> None:
    """Equal to ``rel`` relative to max(1, |value|), with missing values in the same places."""
    assert np.array_equal(np.isnan(ours), np.isnan(theirs))
    assert np.nanmax(np.abs(ours - theirs) / np.maximum(1.0, np.abs(theirs))) <= rel


def test_column_mean_imputation_reproduces_default_imputed(indicators):
    raw = read("default_raw_dset.csv")[indicators["iCode"]]
    assert raw.isna().to_numpy().sum() > 0
    ours = imputation.impute_columns(raw.to_numpy(float), "indicator_mean")
    close(ours, read("default_imputed.csv").loc[raw.index, raw.columns].to_numpy(float))


def test_group_mean_imputation_reproduces_example_imputed(indicators):
    denominated = read("example_denominated.csv")[indicators["iCode"]]
    groups = read("raw_iData.csv").loc[denominated.index, "EurAsia_group"].to_numpy()
    ours = imputation.impute_columns(denominated.to_numpy(float), "group_mean", groups)
    close(ours, read("example_imputed.csv").loc[denominated.index, denominated.columns].to_numpy(float))


@pytest.mark.parametrize(
    ("inputs", "treated", "log", "winmax"),
    [
        ("default_imputed.csv", "default_treated.csv", "default_treat_log.csv", 5),
        ("default_imputed.csv", "variant_treat_winmax1_treated.csv", "variant_treat_winmax1_treat_log.csv", 1),
        ("default_raw_dset.csv", "variant_treat_rawdata_treated.csv", "variant_treat_rawdata_treat_log.csv", 5),
    ],
)
def test_treatment_reproduces_coinr_values_and_log(indicators, inputs, treated, log, winmax):
    data, expected, records = read(inputs), read(treated), read(log).set_index("iCode")
    methods = {}
    for code in indicators["iCode"]:
        record = treat(data[code].to_numpy(float), TreatmentRule(winmax=winmax))
        close(record.values, expected.loc[data.index, code].to_numpy(float))
        logged = records.loc[code]
        assert record.skew_before == pytest.approx(logged["Skew_in"], rel=1e-12)
        assert record.kurt_before == pytest.approx(logged["Kurt_in"], rel=1e-12)
        assert record.passed_before == bool(logged["Pass_in"])
        if logged["Winsorise_tried"]:
            assert record.winsorised == logged["nwin"]
            assert record.skew_after_winsorising == pytest.approx(logged["Skew_after_win"], rel=1e-12)
            for label, column in (("winhi", "Units_winsorised_high"), ("winlo", "Units_winsorised_low")):
                listed = logged[column]
                expected_units = [] if pd.isna(listed) or listed == "" else listed.split(";")
                assert sorted(data.index[record.points == label]) == sorted(expected_units), (code, label)
        if logged["LogCT_applied"]:
            assert record.skew_after_log == pytest.approx(logged["Skew_after_log"], rel=1e-12)
        methods[code] = record.method
    final = {"none": "none", "winsorise": "winsorise", "log": "log_CT"}
    assert {code: final[m] for code, m in methods.items()} == records["Final_treatment"].to_dict()


def test_the_log_branch_is_exercised():
    records = read("variant_treat_winmax1_treat_log.csv")
    assert (records["Final_treatment"] == "log_CT").sum() == 10


@pytest.fixture(scope="module")
def treated(indicators) -> pd.DataFrame:
    return read("default_treated.csv")[indicators["iCode"]]


def oriented(treated: pd.DataFrame, indicators: pd.DataFrame) -> np.ndarray:
    return normalisation.oriented(treated.to_numpy(float), indicators["Direction"].to_numpy())


def test_minmax_normalisation_reproduces_default_normalised(treated, indicators):
    ours = normalisation.minmax(oriented(treated, indicators), 0, 100)
    close(ours, read("default_normalised.csv").loc[treated.index, treated.columns].to_numpy(float))


@pytest.mark.parametrize(
    ("low", "method", "reference"),
    [
        (0, "arithmetic", "default_aggregated.csv"),
        (1, "geometric", "variant_minmax1to100_gmean_aggregated.csv"),
        (1, "arithmetic", "variant_minmax1to100_amean_aggregated.csv"),
    ],
)
def test_tree_aggregation_reproduces_every_level(treated, indicators, tree, low, method, reference):
    parents, weights = tree
    z = normalisation.minmax(oriented(treated, indicators), low, 100)
    scores = aggregation.aggregate_tree(z, list(treated.columns), parents, weights, method)
    expected = read(reference).loc[treated.index]
    for node in ["Physical", "ConEcFin", "Political", "Instit", "P2P", "Environ", "Social", "SusEcFin", "Conn", "Sust", "Index"]:
        close(scores[node], expected[node].to_numpy(float))


def test_the_100_run_uncertainty_analysis_replays_from_its_draws(treated, indicators, tree):
    """Same draws (sa_params.csv), same ranks for every unit and run, same rank statistics."""
    parents, nominal = tree
    z = normalisation.minmax(oriented(treated, indicators), 1, 100)
    params = read("sa_params.csv")
    runs = []
    for draw in params.itertuples():
        weights = nominal | {column[2:]: getattr(draw, column) for column in params.columns if column.startswith("w_")}
        method = "arithmetic" if draw.Aggregation == "a_amean" else "geometric"
        runs.append(aggregation.aggregate_tree(z, list(treated.columns), parents, weights, method)["Index"])
    ranks = uncertainty.ranks_within(np.column_stack(runs), np.zeros(len(treated)))
    expected = read("sa_ranks.csv").loc[treated.index, [f"r_{i}" for i in range(1, 101)]].to_numpy()
    assert np.array_equal(ranks, expected)
    stats = uncertainty.rank_statistics(ranks)
    reference = read("sa_rankstats.csv").loc[treated.index]
    for ours, column in [(stats.mean, "Mean"), (stats.median, "Median"), (stats.p05, "Q5"), (stats.p95, "Q95")]:
        np.testing.assert_allclose(ours, reference[column].to_numpy(float), rtol=0, atol=1e-12, err_msg=column)


def test_cronbach_alpha_reproduces_every_group_and_data_set(meta):
    datasets = {
        "Raw": read("default_raw_dset.csv"),
        "Imputed": read("default_imputed.csv"),
        "Treated": read("default_treated.csv"),
        "Normalised": read("default_normalised.csv"),
        "Aggregated": read("default_aggregated.csv"),
    }
    reference = read("default_cronbach.csv")
    assert len(reference) == 43
    for row in reference.itertuples():
        members = meta.loc[meta["Parent"] == row.Group, "iCode"].tolist()
        assert len(members) == row.k
        assert audit.cronbach_alpha(datasets[row.dset][members].to_numpy(float)) == pytest.approx(row.alpha, rel=1e-12, abs=1e-14)


@pytest.mark.parametrize(
    ("reference", "column", "correlation"),
    [
        ("default_corr_with_parent.csv", "Corr", audit.pearson),
        ("default_corr_with_parent_spearman_L1L2.csv", "Spearman", audit.spearman),
    ],
)
def test_correlations_with_the_parent(reference, column, correlation):
    aggregated = read("default_aggregated.csv")
    expected = read(reference)
    assert len(expected) > 40
    for row in expected.itertuples():
        ours = correlation(aggregated[row.Child].to_numpy(float), aggregated[row.Parent].to_numpy(float))
        assert ours == pytest.approx(getattr(row, column), rel=1e-12, abs=1e-14)


def test_first_principal_component_of_each_pillar():
    normalised = read("default_normalised.csv")
    for group, rows in read("default_pca_L1_normalised.csv").groupby("Group"):
        loadings, share = audit.first_component(normalised[rows["iCode"].tolist()].to_numpy(float))
        # a principal component's sign is arbitrary
        np.testing.assert_allclose(np.abs(loadings), np.abs(rows["PC1_loading"].to_numpy()), atol=1e-12, err_msg=group)
        assert share == pytest.approx(rows["PC1_var_explained"].iloc[0], rel=1e-12)
