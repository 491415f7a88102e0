"""TFP after PWT's last year in the pipeline: extended rows from the mirror's WDI files, the chained
level index, and the published backtest against an independent recomputation."""

import math

import numpy as np
import pandas as pd
import pytest

from .conftest import MIRROR
from .test_china import published, warehouse


def wdi_value(code: str, economy: str, year: int) -> float:
    frame = pd.read_csv(MIRROR / "wdi" / "indicators" / code.lower() / "data.csv")
    return frame[(frame["Country Code"] == economy) & (frame["Year"] == year)]["Value"].item()


def test_extended_rows_follow_the_world_bank_series(refreshed):
    growth = published(refreshed, "mart_tfp_growth_accounting").set_index(["economy_code", "year"])
    usa = growth.loc[("USA", 2020)]
    assert (usa.basis, usa.capital_basis, usa.extended_from, usa.labour_basis) == ("extended", "stock", 2019, "hours")
    assert usa.output_growth == pytest.approx(math.log(1 + wdi_value("NY.GDP.MKTP.KD.ZG", "USA", 2020) / 100), rel=1e-12)
    assert np.isnan(usa.pwt_tfp_growth)
    assert growth.loc[("USA", 2019)].basis == "pwt" and growth.loc[("USA", 2019)].capital_basis == "services"
    extended = growth[growth.basis == "extended"]
    assert extended.index.get_level_values("year").min() == 2020 and extended.index.get_level_values("year").max() >= 2024
    identity = extended.capital_contribution + extended.labour_contribution + extended.tfp_growth - extended.output_growth
    assert identity.abs().max() < 1e-15


def test_the_level_index_chains_through_the_extension(refreshed):
    levels = published(refreshed, "mart_tfp_levels").set_index(["economy_code", "year"])
    usa = levels.loc["USA"]
    assert usa.loc[2020].basis == "extended"
    assert usa.loc[2020].tfp_index == usa.loc[2019].tfp_index * math.exp(usa.loc[2020].tfp_growth)
    # a change of labour basis (China: hours in PWT, persons after it) starts a new chain instead
    growth = published(refreshed, "mart_tfp_growth_accounting").set_index(["economy_code", "year"])
    assert (growth.loc[("CHN", 2019)].labour_basis, growth.loc[("CHN", 2020)].labour_basis) == ("hours", "persons")
    assert levels.loc["CHN"].loc[2020:].tfp_index.isna().all()


def test_the_backtest_is_what_its_rows_say(refreshed):
    backtest = published(refreshed, "mart_tfp_extension_backtest").set_index("year")
    rows = warehouse(refreshed, "select * from intermediate.int_tfp__extension_backtest")
    assert set(rows.extended_from) == {2014} and rows.year.between(2015, 2019).all()
    pwt = published(refreshed, "mart_tfp_growth_accounting")
    pwt = pwt[pwt.basis == "pwt"][["economy_code", "year", "labour_basis", "tfp_growth"]]
    merged = rows.merge(pwt, on=["economy_code", "year", "labour_basis"])
    alpha = merged.labour_share_avg
    tfp = (
        merged.output_growth
        - (1 - alpha) * merged.capital_growth
        - alpha * (merged.labour_quantity_growth + merged.human_capital_growth)
    )
    error = tfp - merged.tfp_growth
    for year, errors in error.groupby(merged.year):
        row = backtest.loc[year]
        assert (row.horizon, row.economies) == (year - 2014, len(errors))
        assert abs(row.mean_abs_error - errors.abs().mean()) < 1e-15
        assert abs(row.median_abs_error - errors.abs().median()) < 1e-15
        assert abs(row.bias - errors.mean()) < 1e-15
    assert (backtest.economies > 100).all() and (backtest.mean_abs_error < 0.02).all()


def test_the_index_stands_beside_extended_tfp(refreshed):
    tfp = published(refreshed, "mart_nqpf_tfp")
    usa = tfp[(tfp.system_id == "cross_country") & (tfp.economy_code == "USA") & (tfp.year == 2022)].iloc[0]
    growth = published(refreshed, "mart_tfp_growth_accounting")
    assert usa.tfp_basis == "extended"
    assert usa.tfp_growth == growth[(growth.economy_code == "USA") & (growth.year == 2022)].tfp_growth.item()
