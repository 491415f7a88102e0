"""Frontier TFP in the pipeline: the published Malmquist and Malmquist-Luenberger indices against
independent multiplier-form programmes on the published frontier panel, and their place beside
the growth-accounting TFP."""

import numpy as np
import pandas as pd
import pytest

from tests.lib.independent import beta, multiplier_beta, multiplier_phi, shephard

from .test_china import published, warehouse

INPUTS, OUTPUTS, BADS = ["capital", "labour"], ["output"], ["co2"]


@pytest.fixture(scope="module")
def frontier(refreshed):
    panel = warehouse(refreshed, "select * from intermediate.int_tfp__frontier_panel")
    return panel, published(refreshed, "mart_tfp_malmquist")


def radial(panel: pd.DataFrame, unit: str, evaluated_year: int, reference_year: int) -> float:
    """D^s(r) from the multiplier form: the unit's year-r row against every complete row of year s."""
    reference = panel[panel.year == reference_year].dropna(subset=INPUTS + OUTPUTS)
    row = panel[(panel.unit_code == unit) & (panel.year == evaluated_year)].iloc[0]
    return shephard(multiplier_phi(row[INPUTS], row[OUTPUTS], reference[INPUTS], reference[OUTPUTS]))


def directional(panel: pd.DataFrame, unit: str, evaluated_year: int, reference_year: int) -> float:
    reference = panel[panel.year == reference_year].dropna(subset=INPUTS + OUTPUTS + BADS)
    row = panel[(panel.unit_code == unit) & (panel.year == evaluated_year)].iloc[0]
    return beta(multiplier_beta(row[INPUTS], row[OUTPUTS], row[BADS], reference[INPUTS], reference[OUTPUTS], reference[BADS]))


@pytest.mark.parametrize(
    ("panel_name", "unit", "year"),
    [
        ("economies", "CHN", 2015),
        ("economies", "USA", 2008),
        ("economies", "IND", 1999),
        ("provinces", "110000", 2010),
        ("provinces", "440000", 2016),
    ],
)
def test_published_indices_equal_independent_programmes(frontier, panel_name, unit, year):
    panel, mart = frontier
    panel = panel[panel.panel == panel_name]
    row = mart[(mart.panel == panel_name) & (mart.unit_code == unit) & (mart.year_from == year)].iloc[0]
    assert (row.year_to, row.status, row.ml_status) == (year + 1, "optimal", "optimal")
    d_t_t, d_t1_t1 = radial(panel, unit, year, year), radial(panel, unit, year + 1, year + 1)
    d_t_t1, d_t1_t = radial(panel, unit, year + 1, year), radial(panel, unit, year, year + 1)
    assert row.m == pytest.approx(np.sqrt(d_t_t1 / d_t_t * d_t1_t1 / d_t1_t), rel=1e-7)
    assert row.ec == pytest.approx(d_t1_t1 / d_t_t, rel=1e-7)
    b_t_t, b_t1_t1 = directional(panel, unit, year, year), directional(panel, unit, year + 1, year + 1)
    b_t_t1, b_t1_t = directional(panel, unit, year + 1, year), directional(panel, unit, year, year + 1)
    assert row.ml == pytest.approx(np.sqrt((1 + b_t_t) / (1 + b_t_t1) * (1 + b_t1_t) / (1 + b_t1_t1)), rel=1e-7)
    assert row.ml_ec == pytest.approx((1 + b_t_t) / (1 + b_t1_t1), rel=1e-7)


def test_the_panels_are_built_from_the_growth_accounting_inputs(frontier, refreshed):
    panel, mart = frontier
    economies = panel[panel.panel == "economies"].set_index(["unit_code", "year"])
    pwt = warehouse(refreshed, "select * from staging.stg_pwt__economy_years").set_index(["economy_code", "year"])
    usa = economies.loc[("USA", 2019)]
    assert (usa.output, usa.capital, usa.labour) == (
        pwt.loc[("USA", 2019)].rgdpna,
        pwt.loc[("USA", 2019)].rnna,
        pwt.loc[("USA", 2019)].emp * pwt.loc[("USA", 2019)].hc,
    )
    provinces = panel[panel.panel == "provinces"].set_index(["unit_code", "year"]).sort_index()
    inputs = (
        warehouse(refreshed, "select * from intermediate.int_china__tfp_inputs").set_index(["province_code", "year"]).sort_index()
    )
    beijing = provinces.loc["110000"]
    # real output: 2000's nominal GDP carried by the chained index (previous year = 100)
    index = inputs.loc["110000"].gdp_index
    expected = inputs.loc[("110000", 2000)].nominal_gdp * (index.loc[2001:2018] / 100).cumprod()
    np.testing.assert_allclose(beijing.output.loc[2001:2018], expected, rtol=1e-12)
    assert beijing.output.loc[2000] == inputs.loc[("110000", 2000)].nominal_gdp
    assert (provinces.index.get_level_values("year").min(), provinces.index.get_level_values("year").max()) == (2000, 2018)
    # Tibet has no CEADs CO2: its Malmquist pairs stay, its Malmquist-Luenberger pairs say why they are empty
    tibet = mart[(mart.panel == "provinces") & (mart.unit_code == "540000")]
    assert len(tibet) == 18 and tibet.m.notna().all() and tibet.ml.isna().all()
    assert tibet.ml_status.str.startswith("missing data in").all()


def test_decompositions_and_the_cumulative_index(frontier):
    _, mart = frontier
    solved = mart[mart.status == "optimal"]
    np.testing.assert_allclose(solved.m, solved.ec * solved.tc, rtol=1e-12)
    np.testing.assert_allclose(solved.ec, solved.pec * solved.sec, rtol=1e-12)
    china = mart[(mart.panel == "economies") & (mart.unit_code == "CHN")].sort_values("year_from")
    np.testing.assert_allclose(china.m_cum, china.m.cumprod(), rtol=1e-12)
    # every pair of every unit is there, solved or with its reason
    panel_counts = mart.groupby("panel").size().to_dict()
    assert panel_counts["provinces"] == 31 * 18
    assert (mart.m.isna() <= (mart.status != "optimal")).all()


def test_frontier_indices_stand_beside_growth_accounting_tfp(refreshed, frontier):
    _, mart = frontier
    tfp = published(refreshed, "mart_nqpf_tfp")
    full = tfp[(tfp.system_id == "china_provinces_full") & (tfp.economy_code == "440000") & (tfp.year == 2016)].iloc[0]
    pair = mart[(mart.panel == "provinces") & (mart.unit_code == "440000") & (mart.year_to == 2016)].iloc[0]
    assert (full.malmquist_index, full.malmquist_luenberger_index) == (pair.m, pair.ml)
    usa = tfp[(tfp.system_id == "cross_country") & (tfp.economy_code == "USA") & (tfp.year == 2019)].iloc[0]
    assert usa.malmquist_index == mart[(mart.unit_code == "USA") & (mart.year_to == 2019)].m.item()
