"""The TFP extension after PWT's last year, on a fixture small enough to compute by hand."""

import math

import numpy as np
import pandas as pd
import pytest

from orchestration.lib.growth_extension import extend

CODES = {"output_growth": "G", "investment_share": "I", "labour_force": "LF", "unemployment_rate": "U"}


def pwt_rows(avh: float | None = 2000.0) -> pd.DataFrame:
    """Economy AAA, PWT years 2013-2019: hc rises from 2.0 (2014) to 2.2 (2019), labour share 0.5/0.6/0.7 at the end."""
    years = range(2013, 2020)
    return pd.DataFrame(
        {
            "economy_code": "AAA",
            "year": list(years),
            "rgdpna": [90, 92, 94, 96, 98, 99, 100.0],
            "rnna": [280, 285, 290, 295, 298, 299, 300.0],
            "emp": [9, 9.2, 9.4, 9.6, 9.8, 9.9, 10.0],
            "avh": [avh] * 7,
            "hc": [1.95, 2.0, 2.04, 2.08, 2.12, 2.16, 2.2],
            "labsh": [0.5, 0.5, 0.5, 0.5, 0.5, 0.6, 0.7],
            "delta": 0.05,
            "has_growth_accounting_inputs": True,
        }
    )


def wdi_rows(years=(2019, 2020, 2021)) -> pd.DataFrame:
    values = {
        2019: {"G": 3.0, "I": 25.0, "LF": 20.0, "U": 10.0},
        2020: {"G": 10.0, "I": 20.0, "LF": 22.0, "U": 10.0},
        2021: {"G": -5.0, "I": 30.0, "LF": 22.0, "U": 0.0},
    }
    return pd.DataFrame(
        [{"economy_code": "AAA", "year": y, "indicator_code": c, "value": v} for y in years for c, v in values[y].items()]
    )


HOURS = pd.DataFrame({"economy_code": "AAA", "year": [2019, 2020, 2021], "value": [40.0, 38.0, 40.0]})


def test_every_input_is_carried_as_the_rules_say():
    rows = extend(pwt_rows(), wdi_rows(), HOURS, CODES).set_index("year")
    assert list(rows.index) == [2020, 2021] and set(rows.extended_from) == {2019} and set(rows.labour_basis) == {"hours"}
    # 2020: Y = 100 x 1.10 = 110; K = 0.95 x 300 + 0.20 x 110 = 307; E = 22 x 0.9 = 19.8 against 18 in 2019
    y20, k20 = 110.0, 0.95 * 300 + 0.20 * 110
    assert rows.loc[2020, ["real_gdp", "capital_stock"]].tolist() == pytest.approx([y20, k20], rel=1e-14)
    assert rows.loc[2020, "persons_engaged"] == pytest.approx(10 * 19.8 / 18, rel=1e-14)
    assert rows.loc[2020, "average_hours"] == pytest.approx(2000 * 38 / 40, rel=1e-14)
    # hc: PWT's last five-year trend (2.2 / 2.0)^(1/5) a year; labour share: mean of 0.5, 0.6, 0.7
    assert rows.loc[2021, "human_capital_index"] == pytest.approx(2.2 * (2.2 / 2.0) ** (2 / 5), rel=1e-14)
    assert rows.labour_share.tolist() == pytest.approx([0.6, 0.6])
    # 2021: Y = 110 x 0.95; K = 0.95 K_2020 + 0.30 Y; E = 22 (no unemployment)
    y21 = y20 * 0.95
    assert rows.loc[2021, "capital_stock"] == pytest.approx(0.95 * k20 + 0.30 * y21, rel=1e-14)
    # log changes for the accounting; the first labour share average pairs PWT's 2019 with the held mean
    assert rows.loc[2020, "output_growth"] == pytest.approx(math.log(1.10), rel=1e-14)
    assert rows.loc[2020, "capital_growth"] == pytest.approx(math.log(k20 / 300), rel=1e-14)
    hours_2019, hours_2020 = 10 * 2000, 10 * 19.8 / 18 * 2000 * 38 / 40
    assert rows.loc[2020, "labour_quantity_growth"] == pytest.approx(math.log(hours_2020 / hours_2019), rel=1e-12)
    assert rows.loc[2020, "human_capital_growth"] == pytest.approx(math.log(1.1) / 5, rel=1e-12)
    assert rows.loc[2020, "labour_share_avg"] == pytest.approx((0.7 + 0.6) / 2)
    assert rows.loc[2021, "labour_share_avg"] == pytest.approx(0.6)


def test_without_hours_the_extension_is_on_persons():
    rows = extend(pwt_rows(avh=np.nan), wdi_rows(), HOURS, CODES).set_index("year")
    assert set(rows.labour_basis) == {"persons"} and rows.average_hours.isna().all()
    assert rows.loc[2020, "labour_quantity_growth"] == pytest.approx(math.log(19.8 / 18), rel=1e-12)
    # PWT has hours but Gapminder does not for the last PWT year: persons too
    rows = extend(pwt_rows(), wdi_rows(), HOURS[HOURS.year > 2019], CODES)
    assert set(rows.labour_basis) == {"persons"}


def test_the_extension_stops_at_the_first_missing_input_and_at_the_cutoff():
    wdi = wdi_rows()
    gap = wdi[~((wdi.year == 2020) & (wdi.indicator_code == "I"))]
    assert extend(pwt_rows(), gap, HOURS, CODES).empty  # no 2020 investment: nothing after 2019, no bridge to 2021
    # as if PWT ended in 2018: the extension starts from 2018's inputs (WDI for 2018 is needed as the anchor)
    early = pd.concat([wdi_rows(), wdi_rows((2019,)).assign(year=2018)])
    rows = extend(pwt_rows(), early, pd.concat([HOURS, HOURS.head(1).assign(year=2018)]), CODES, cutoff=2018, last_year=2020)
    assert rows.year.tolist() == [2019, 2020] and set(rows.extended_from) == {2018}
    assert rows.iloc[0].real_gdp == pytest.approx(99 * 1.03, rel=1e-14)
