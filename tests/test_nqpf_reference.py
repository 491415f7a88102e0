"""The published NQPF marts against an independent numpy implementation, on the real panel.

Only the published panel's filled values, the seeds and the documented formulas go in: the
outlier treatment (checked against its own record), the group-median imputation (pandas),
the normalisation, the nominal weights, element scores, composite index, TOPSIS, coupling and
coordination are recomputed here and compared to 1e-9. COINr's own numbers for each method
are reproduced in tests/composite.
"""

import numpy as np
import pandas as pd
import pytest

from orchestration.lib.settings import DBT_PROJECT_DIR

TOLERANCE = 1e-9
ELEMENTS = ["laborers", "instruments_of_labor", "subjects_of_labor"]


@pytest.fixture(scope="module")
def published(refreshed) -> dict[str, pd.DataFrame]:
    names = [
        "mart_nqpf_panel",
        "mart_nqpf_indicator_weights",
        "mart_nqpf_element_scores",
        "mart_nqpf_index",
        "mart_nqpf_coverage",
        "mart_nqpf_tfp",
        "dim_geographies",
        "mart_source_exclusions",
        "mart_tfp_growth_accounting",
    ]
    tables = {name: pd.read_parquet(refreshed.latest / "parquet" / f"{name}.parquet") for name in names}
    return tables | {"path": refreshed.latest / "parquet"}


SYSTEMS = ["china_provinces", "cross_country"]


@pytest.fixture(scope="module")
def references(published) -> dict[str, dict[str, pd.DataFrame]]:
    return {system: reference_for(system, published) for system in SYSTEMS}


def seed_system(system: str) -> pd.Series:
    return pd.read_csv(DBT_PROJECT_DIR / "seeds" / "nqpf_systems.csv").set_index("system_id").loc[system]


def reference_for(system: str, published) -> dict[str, pd.DataFrame]:
    """Everything recomputed from the panel's prepared values and the seeds, for one system."""
    seed = pd.read_csv(DBT_PROJECT_DIR / "seeds" / "nqpf_indicators.csv")
    seed = seed[seed["system_id"] == system].set_index("indicator_id")
    settings = seed_system(system)
    shift = settings["normalisation_shift"]
    panel = published["mart_nqpf_panel"]
    sample = panel[(panel["system_id"] == system) & panel["in_index"]]
    x = sample.pivot(index=["geo_code", "year"], columns="indicator_id", values="prepared_value")

    low, high = x.min(), x.max()
    plus = seed.loc[x.columns, "direction"].eq("+").to_numpy()
    scaled = np.where(plus, (x - low) / (high - low), (high - x) / (high - low))
    z = pd.DataFrame(shift + (1 - shift) * scaled, index=x.index, columns=x.columns)

    values = z.to_numpy()
    p = values / np.nansum(values, axis=0)
    n = np.sum(~np.isnan(values), axis=0)
    entropy = -np.nansum(p * np.log(p), axis=0) / np.log(n)
    d = pd.Series(1 - entropy, index=z.columns)
    element_of = seed.loc[z.columns, "element"]
    if settings["weighting"] == "entropy":
        w_system, w_element = d / d.sum(), d / d.groupby(element_of).transform("sum")
    else:
        assert settings["weighting"] == "equal"
        w_element = 1 / element_of.groupby(element_of).transform("size")
        w_system = w_element / 3

    available = z.notna()
    scores = {}
    for element in ELEMENTS:
        members = element_of.index[element_of == element]
        weighted = (z[members] * w_element[members]).sum(axis=1, min_count=1)
        scores[element] = weighted / (available[members] * w_element[members]).sum(axis=1)
    scores = pd.DataFrame(scores)

    v = z * w_system
    to_best = np.sqrt(((v - v.max()) ** 2).sum(axis=1))
    to_worst = np.sqrt(((v - v.min()) ** 2).sum(axis=1))
    u = scores.to_numpy()
    coupling = np.cbrt(u.prod(axis=1)) / u.mean(axis=1)
    index = pd.DataFrame(
        {
            "nqpf_index": v.sum(axis=1) / (available * w_system).sum(axis=1),
            "topsis_closeness": to_worst / (to_best + to_worst),
            "laborers_score": scores["laborers"],
            "instruments_score": scores["instruments_of_labor"],
            "subjects_score": scores["subjects_of_labor"],
            "coupling_degree": coupling,
            "coupling_coordination": np.sqrt(coupling * u.mean(axis=1)),
        },
        index=z.index,
    )
    entropy_weights = d / d.sum()
    return {"z": z, "w_system": w_system, "w_element": w_element, "entropy": entropy_weights, "scores": scores, "index": index}


@pytest.mark.parametrize("system", SYSTEMS)
def test_treatment_follows_its_record(published, system):
    """Untreated values are as filled; a logged indicator is log(x - min + 0.01 (max - min)) of its filled values."""
    panel = published["mart_nqpf_panel"]
    sample = panel[(panel["system_id"] == system) & panel["in_index"]]
    treatment = pd.read_parquet(published["path"] / "mart_nqpf_treatment.parquet")
    treatment = treatment[treatment["system_id"] == system].set_index("indicator_id")
    assert set(treatment.index) == set(sample["indicator_id"])
    for indicator, rows in sample.groupby("indicator_id"):
        x, treated = rows["filled_value"], rows["treated_value"]
        method = treatment.loc[indicator, "method"]
        if method == "none":
            pd.testing.assert_series_equal(treated, x, check_names=False)
            assert set(rows["treatment"]) == {"none"}
        elif method == "log":
            expected = np.log(x - x.min() + 0.01 * (x.max() - x.min()))
            np.testing.assert_allclose(treated, expected, rtol=1e-12, atol=1e-12)
            assert set(rows.loc[x.notna(), "treatment"]) == {"logged"}
        else:  # winsorised: the moved points equal the next value inward; the others are untouched
            moved = rows["treatment"] != "none"
            assert moved.sum() == treatment.loc[indicator, "points_winsorised"]
            pd.testing.assert_series_equal(treated[~moved], x[~moved], check_names=False)


@pytest.mark.parametrize("system", SYSTEMS)
def test_imputation_is_the_group_median_of_the_year(published, system):
    settings = seed_system(system)
    assert settings["imputation"] == "group_median"
    panel = published["mart_nqpf_panel"]
    sample = panel[(panel["system_id"] == system) & panel["in_index"]]
    geographies = published["dim_geographies"].set_index(["geography", "geo_code"])
    geography = "economies" if system == "cross_country" else "provinces"
    group = geographies.loc[geography, settings["imputation_group"]]
    sample = sample.assign(group=sample["geo_code"].map(group))
    medians = sample.groupby(["indicator_id", "year", "group"])["treated_value"].transform("median")
    overall = sample.groupby(["indicator_id", "year"])["treated_value"].transform("median")
    expected = sample["treated_value"].fillna(medians.fillna(overall))
    imputed = sample["is_imputed"]
    assert imputed.sum() > 0 and (imputed == (sample["treated_value"].isna() & expected.notna())).all()
    np.testing.assert_allclose(sample["prepared_value"], expected, rtol=1e-15, equal_nan=True)


@pytest.mark.parametrize("system", SYSTEMS)
def test_normalised_values(published, references, system):
    reference = references[system]
    panel = published["mart_nqpf_panel"].dropna(subset=["normalised_value"])
    panel = panel[panel["system_id"] == system]
    ours = panel.set_index(["geo_code", "year", "indicator_id"])["normalised_value"]
    theirs = reference["z"].stack().dropna().rename("z")
    joined = pd.concat([ours, theirs], axis=1, join="outer")
    assert joined.notna().all().all() and len(joined) == len(ours)
    assert (joined["normalised_value"] - joined["z"]).abs().max() <= TOLERANCE
    assert panel["normalised_value"].between(1e-4, 1).all()


@pytest.mark.parametrize("system", SYSTEMS)
def test_weights(published, references, system):
    reference = references[system]
    weights = published["mart_nqpf_indicator_weights"]
    weights = weights[weights["system_id"] == system].set_index("indicator_id")
    in_use = weights[weights["status"] == "in use"]
    assert set(in_use.index) == set(reference["w_system"].index)
    assert (in_use["weight_in_system"] - reference["w_system"]).abs().max() <= TOLERANCE
    assert (in_use["weight_in_element"] - reference["w_element"]).abs().max() <= TOLERANCE
    assert (in_use["entropy_weight"] - reference["entropy"]).abs().max() <= TOLERANCE
    assert (in_use[["weight_in_system", "weight_in_element"]] >= 0).all().all()
    assert in_use["weight_in_system"].sum() == pytest.approx(1, abs=1e-12)
    assert in_use.groupby("element")["weight_in_element"].sum().to_numpy() == pytest.approx([1, 1, 1], abs=1e-12)
    assert in_use.groupby("element").size().min() >= {"cross_country": 5, "china_provinces": 4}[system]


@pytest.mark.parametrize("system", SYSTEMS)
def test_element_scores(published, references, system):
    reference = references[system]
    scores = published["mart_nqpf_element_scores"]
    scores = scores[scores["system_id"] == system].pivot(index=["geo_code", "year"], columns="element", values="score")
    expected = reference["scores"].loc[scores.index]
    assert len(scores) == len(reference["scores"])
    assert (scores[ELEMENTS] - expected[ELEMENTS]).abs().max().max() <= TOLERANCE


@pytest.mark.parametrize(("system", "rows"), [("china_provinces", 31 * 13), ("cross_country", 3322)])
def test_index_topsis_and_coupling_coordination(published, references, system, rows):
    reference = references[system]
    index = published["mart_nqpf_index"]
    index = index[index["system_id"] == system].set_index(["geo_code", "year"])
    expected = reference["index"].loc[index.index]
    assert len(index) == len(reference["index"]) == rows
    for column in expected.columns:
        assert (index[column] - expected[column]).abs().max() <= TOLERANCE, column
    assert index["coupling_coordination"].between(0, 1).all() and index["topsis_closeness"].between(0, 1).all()


def test_ranks_and_growth(published):
    index = published["mart_nqpf_index"].sort_values(["system_id", "geo_code", "year"])
    for value, rank in (("nqpf_index", "nqpf_rank"), ("topsis_closeness", "topsis_rank")):
        expected = index.groupby(["system_id", "year"])[value].rank(method="min", ascending=False).astype(int)
        assert (index[rank] == expected).all(), rank
    previous = index.groupby(["system_id", "geo_code"])[["year", "nqpf_index"]].shift(1)
    consecutive = index["year"] - previous["year"] == 1
    expected_growth = (index["nqpf_index"] / previous["nqpf_index"] - 1).where(consecutive)
    pd.testing.assert_series_equal(index["nqpf_index_growth"], expected_growth, check_names=False, rtol=1e-12)


def test_published_figures_and_universe(published):
    index = published["mart_nqpf_index"]
    index = index[index["system_id"] == "cross_country"].set_index(["geo_code", "year"])
    assert (index.index.get_level_values("year").min(), index.index.get_level_values("year").max()) == (2000, 2023)
    assert index.index.get_level_values("geo_code").nunique() == 167
    assert index.xs(2021, level="year")["nqpf_index"].idxmax() == "DNK"
    # screening: no unit-year enters with less than two thirds of its values published or gap-filled
    assert (index["share_observed"] + index["share_filled"]).min() >= 0.667 - 1e-12
    assert index["share_imputed"].max() <= 1 - 0.667 + 1e-12 and index["share_imputed"].sum() > 0
    geographies = published["dim_geographies"]
    assert geographies.groupby("geography").size().to_dict() == {"economies": 217, "provinces": 31}
    assert geographies["region"].notna().all()
    assert not {"WLD", "EUU", "HIC", "EAS"} & set(geographies["geo_code"])
    exclusions = published["mart_source_exclusions"].set_index(["source", "source_code", "indicator_code"])
    assert exclusions.loc[("wdi", "WLD", "GB.XPD.RSDV.GD.ZS"), "reason_code"] == "aggregate"
    assert exclusions.loc[("pwt", "TWN", "hc"), "reason_code"] == "outside_universe"
    coverage = published["mart_nqpf_coverage"]
    assert coverage.groupby("system_id")["years_in_window"].unique().map(list).to_dict() == {
        "china_provinces": [13],
        "china_provinces_full": [8],
        "cross_country": [24],
    }


def test_index_sits_beside_tfp(published):
    tfp = published["mart_nqpf_tfp"].set_index(["economy_code", "year"])
    growth = published["mart_tfp_growth_accounting"].set_index(["economy_code", "year"])
    index = published["mart_nqpf_index"]
    assert tfp.groupby("system_id").size().to_dict() == index.groupby("system_id").size().to_dict()
    tfp = tfp[tfp["system_id"] == "cross_country"]
    index = index[index["system_id"] == "cross_country"].set_index(["geo_code", "year"])
    usa = tfp.loc[("USA", 2015)]
    assert usa["tfp_growth"] == growth.loc[("USA", 2015), "tfp_growth"]
    assert usa["nqpf_index"] == index.loc[("USA", 2015), "nqpf_index"]
    # PWT 10.01 ends in 2019: later TFP growth is the extension's, and says so
    later = tfp.xs(2022, level="year")
    assert set(later.loc[later["tfp_growth"].notna(), "tfp_basis"]) == {"extended"}
    assert set(tfp.xs(2019, level="year")["tfp_basis"].dropna()) == {"pwt"}
