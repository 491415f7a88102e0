"""The TFP marts as published, against PWT's own figures and an independent pandas computation."""

import shutil

import duckdb
import numpy as np
import pandas as pd
import pytest

from .conftest import run_dbt

BASE_YEAR = 2017


@pytest.fixture(scope="module")
def growth(refreshed) -> pd.DataFrame:
    # PWT's own years; the extended ones are tests/test_tfp_extension.py's
    growth = pd.read_parquet(refreshed.latest / "parquet" / "mart_tfp_growth_accounting.parquet")
    return growth[growth.basis == "pwt"].drop(columns=["basis", "capital_basis", "extended_from"]).reset_index(drop=True)


@pytest.fixture(scope="module")
def levels(refreshed) -> pd.DataFrame:
    levels = pd.read_parquet(refreshed.latest / "parquet" / "mart_tfp_levels.parquet")
    return levels[levels.basis == "pwt"].drop(columns=["basis"]).reset_index(drop=True)


@pytest.fixture(scope="module")
def expected_growth(pwt_mirror) -> pd.DataFrame:
    """Growth accounting written independently of the SQL, straight from the mirror file."""
    inputs = ["rgdpna", "rkna", "emp", "hc", "labsh"]
    pwt = pwt_mirror.dropna(subset=inputs).sort_values(["isocode", "year"]).copy()
    pwt["hours"] = pwt["emp"] * pwt["avh"]
    previous = pwt.groupby("isocode").shift(1)
    consecutive = pwt["year"] - previous["year"] == 1
    cur, prev = pwt[consecutive], previous[consecutive]
    with_hours = cur["hours"].notna() & prev["hours"].notna()
    a = (cur["labsh"] + prev["labsh"]) / 2
    d_y = np.log(cur["rgdpna"] / prev["rgdpna"])
    d_k = np.log(cur["rkna"] / prev["rkna"])
    d_h = np.where(with_hours, np.log(cur["hours"] / prev["hours"]), np.log(cur["emp"] / prev["emp"]))
    d_hc = np.log(cur["hc"] / prev["hc"])
    return (
        pd.DataFrame(
            {
                "economy_code": cur["isocode"],
                "year": cur["year"],
                "labour_basis": np.where(with_hours, "hours", "persons"),
                "labour_share_avg": a,
                "output_growth": d_y,
                "capital_growth": d_k,
                "labour_quantity_growth": d_h,
                "human_capital_growth": d_hc,
                "capital_contribution": (1 - a) * d_k,
                "labour_contribution": a * (d_h + d_hc),
                "labour_quantity_contribution": a * d_h,
                "human_capital_contribution": a * d_hc,
                "tfp_growth": d_y - (1 - a) * d_k - a * (d_h + d_hc),
                "labour_productivity_growth": d_y - d_h,
                "capital_deepening_contribution": (1 - a) * (d_k - d_h),
                "pwt_tfp_growth": np.log(cur["rtfpna"] / prev["rtfpna"]),
            }
        )
        .sort_values(["economy_code", "year"])
        .reset_index(drop=True)
    )


def test_tfp_growth_reproduces_pwt_rtfpna_wherever_pwt_publishes_hours(growth, pwt_mirror):
    pwt = pwt_mirror.sort_values(["isocode", "year"])
    published_growth = np.log(pwt["rtfpna"]) - np.log(pwt.groupby("isocode")["rtfpna"].shift(1))
    reference = pd.DataFrame({"economy_code": pwt["isocode"], "year": pwt["year"], "pwt": published_growth})
    hours = growth[growth["labour_basis"] == "hours"].merge(reference, on=["economy_code", "year"], validate="1:1")
    difference = (hours["tfp_growth"] - hours["pwt"]).abs()
    assert len(hours) == 3067  # every economy-year with avh for t and t-1 and all other inputs
    assert hours["pwt"].notna().all()
    assert difference.max() <= 1e-6


def test_every_column_matches_an_independent_computation(growth, expected_growth):
    ours = growth.sort_values(["economy_code", "year"]).reset_index(drop=True)
    assert list(ours.columns[:3]) == ["economy_code", "economy_name", "year"]
    assert len(ours) == len(expected_growth) == 6289
    pd.testing.assert_series_equal(
        ours["labour_basis"], expected_growth["labour_basis"].astype(ours["labour_basis"].dtype), check_names=False
    )
    for column in expected_growth.columns.drop(["economy_code", "year", "labour_basis"]):
        np.testing.assert_allclose(ours[column], expected_growth[column], rtol=0, atol=1e-12, err_msg=column)


def test_decompositions_add_up_exactly(growth):
    output = growth["capital_contribution"] + growth["labour_contribution"] + growth["tfp_growth"]
    labour = growth["labour_quantity_contribution"] + growth["human_capital_contribution"]
    productivity = growth["capital_deepening_contribution"] + growth["human_capital_contribution"] + growth["tfp_growth"]
    assert (growth["output_growth"] - output).abs().max() <= 1e-15
    assert (growth["labour_contribution"] - labour).abs().max() <= 1e-15
    assert (growth["labour_productivity_growth"] - productivity).abs().max() <= 1e-15


def expected_levels(expected_growth: pd.DataFrame, pwt: pd.DataFrame) -> pd.DataFrame:
    """Chain-linked index and windows by explicit loops: sum only over unbroken, same-basis runs.

    Plain dicts (year -> growth, basis) rather than pandas lookups, so the loops take a second."""
    with_inputs = pwt.dropna(subset=["rgdpna", "rkna", "emp", "hc", "labsh"])
    growth = {
        (row.economy_code, row.year): (row.tfp_growth, row.output_growth, row.labour_basis)
        for row in expected_growth.itertuples(index=False)
    }

    def run(code, years):
        """The growth rows of ``years`` when every one exists and all share one labour basis."""
        found = [growth.get((code, y)) for y in years]
        if any(f is None for f in found) or len({f[2] for f in found}) != 1:
            return None
        return found

    rows = []
    for code, year in with_inputs[["isocode", "year"]].itertuples(index=False):
        if year > BASE_YEAR:
            link = run(code, range(BASE_YEAR + 1, year + 1))
            index = None if link is None else float(np.exp(sum(f[0] for f in link)))
        elif year < BASE_YEAR:
            link = run(code, range(year + 1, BASE_YEAR + 1))
            index = None if link is None else float(np.exp(-sum(f[0] for f in link)))
        else:
            index = 1.0
        window = {}
        for n in (5, 10):
            found = run(code, range(year - n + 1, year + 1))
            window[n] = (None, None) if found is None else (np.mean([f[0] for f in found]), np.mean([f[1] for f in found]))
        rows.append(
            {
                "economy_code": code,
                "year": year,
                "tfp_index": index,
                "tfp_growth_avg_5y": window[5][0],
                "tfp_growth_avg_10y": window[10][0],
                "tfp_share_of_output_growth_10y": None if window[10][0] is None else window[10][0] / window[10][1],
            }
        )
    return pd.DataFrame(rows).astype(
        {"tfp_index": float, "tfp_growth_avg_5y": float, "tfp_growth_avg_10y": float, "tfp_share_of_output_growth_10y": float}
    )


def test_levels_and_windows_match_an_independent_computation(levels, expected_growth, pwt_mirror):
    expected = expected_levels(expected_growth, pwt_mirror)
    ours = levels.merge(expected, on=["economy_code", "year"], suffixes=("", "_expected"), validate="1:1")
    assert len(ours) == len(expected) == len(levels) == 6407  # every economy-year with all inputs
    for column in ("tfp_index", "tfp_growth_avg_5y", "tfp_growth_avg_10y", "tfp_share_of_output_growth_10y"):
        # summation order differs between DuckDB and pandas: agree to rounding, nulls in the same places
        np.testing.assert_allclose(
            ours[column], ours[f"{column}_expected"], rtol=1e-9, atol=1e-13, equal_nan=True, err_msg=column
        )


def test_levels_follow_pwt_and_never_chain_across_a_change_of_basis(levels):
    by_key = levels.set_index(["economy_code", "year"])
    assert (by_key.xs(BASE_YEAR, level="year")["tfp_index"].dropna() == 1.0).all()
    hours = levels[levels["labour_basis"] == "hours"]
    assert len(hours) > 2500
    assert (hours["tfp_index"] / hours["pwt_tfp_index"] - 1).abs().max() <= 1e-6
    # China: PWT publishes hours from 1970, so 1970-2019 chain on hours and 1969 is not linked.
    assert by_key.loc[("CHN", 1970), "labour_basis"] == "hours"
    assert by_key.loc[("CHN", 1970), "tfp_index"] == pytest.approx(by_key.loc[("CHN", 1970), "pwt_tfp_index"], rel=1e-6)
    assert pd.isna(by_key.loc[("CHN", 1969), "tfp_index"])
    # United States, whose hours cover the whole period: mean TFP growth 2010-2019.
    usa = by_key.loc[("USA", 2019)]
    assert usa["tfp_growth_avg_10y"] == pytest.approx(
        np.log(by_key.loc[("USA", 2019), "pwt_tfp_index"] / by_key.loc[("USA", 2009), "pwt_tfp_index"]) / 10, abs=1e-7
    )


def test_base_year_is_a_dbt_var(refreshed, tmp_path, pwt_mirror):
    """Rebuilding the level mart with tfp_base_year = 2010 re-anchors every chain at 2010."""
    (tmp_path / "warehouse").mkdir()
    shutil.copyfile(refreshed.data_dir / "warehouse" / "nqpf.duckdb", tmp_path / "warehouse" / "nqpf.duckdb")
    run = run_dbt(tmp_path, "run", "--select", "mart_tfp_levels", "--vars", "{tfp_base_year: 2010}")
    assert run.returncode == 0, run.stdout[-2000:]
    with duckdb.connect(str(tmp_path / "warehouse" / "nqpf.duckdb"), read_only=True) as con:
        rebased = con.execute("select * from marts.mart_tfp_levels").df().set_index(["economy_code", "year"])
    assert (rebased["base_year"] == 2010).all()
    assert (rebased.xs(2010, level="year")["tfp_index"].dropna() == 1.0).all()
    pwt = pwt_mirror.set_index(["isocode", "year"])["rtfpna"]
    assert rebased.loc[("USA", 2019), "tfp_index"] == pytest.approx(pwt[("USA", 2019)] / pwt[("USA", 2010)], rel=1e-6)
