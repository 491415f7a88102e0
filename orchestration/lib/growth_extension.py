"""Growth-accounting inputs after the Penn World Table's last year, from the World Bank and Gapminder.

PWT 10.01 ends in 2019. For every economy, from its last PWT year T with every input (or from a
``cutoff`` year, for the backtest) to the last year the extension series cover without a gap:

- real output: PWT's ``rgdpna`` at T carried by WDI real GDP growth (``NY.GDP.MKTP.KD.ZG``);
- capital: perpetual inventory from PWT's net stock ``rnna`` at T with PWT's depreciation rate
  ``delta`` at T, real investment = investment share (``NE.GDI.TOTL.ZS``) x real output;
- persons employed: PWT's ``emp`` at T carried by labour force (``SL.TLF.TOTL.IN``) x (1 -
  unemployment rate ``SL.UEM.TOTL.ZS``);
- hours: where PWT had hours at T, its ``avh`` carried by Gapminder's weekly working hours;
  without them the extended years are on a persons basis (a change of basis the level index
  does not chain across);
- human capital: PWT's last five-year trend, ``hc_t = hc_T (hc_T / hc_{T-5})^((t - T) / 5)``;
- labour share: PWT's average over T-2..T, held.

The capital input of PWT's own accounting is capital services (``rkna``); the extended years use
the stock, so every extended row says ``capital_basis = stock``. Returned are the levels and the
log changes of each extended year, for the Tornqvist accounting in dbt.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# the inputs carried by WDI series; their codes come from the seed tfp_extension_series
WDI_INPUTS = ("output_growth", "investment_share", "labour_force", "unemployment_rate")
HC_TREND_YEARS = 5
LABOUR_SHARE_YEARS = 3
COLUMNS = [
    "economy_code",
    "year",
    "extended_from",
    "labour_basis",
    "real_gdp",
    "capital_stock",
    "persons_engaged",
    "average_hours",
    "human_capital_index",
    "labour_share",
    "output_growth",
    "capital_growth",
    "labour_quantity_growth",
    "human_capital_growth",
    "labour_share_avg",
]


def extend(
    pwt: pd.DataFrame,
    wdi: pd.DataFrame,
    hours: pd.DataFrame,
    codes: dict[str, str],
    cutoff: int | None = None,
    last_year: int | None = None,
) -> pd.DataFrame:
    """Extended economy-years after each economy's last PWT year (or ``cutoff``), up to ``last_year``.

    pwt: economy_code, year, rgdpna, rnna, emp, avh, hc, labsh, delta, has_growth_accounting_inputs.
    wdi: economy_code, year, indicator_code, value.
    hours: economy_code, year, value (Gapminder weekly working hours).
    codes: WDI code of each of WDI_INPUTS (the seed tfp_extension_series).
    """
    by_code = {codes[name]: name for name in WDI_INPUTS}
    series = wdi[wdi.indicator_code.isin(by_code)].pivot_table(
        index=["economy_code", "year"], columns="indicator_code", values="value", aggfunc="first"
    )
    series = series.reindex(columns=list(by_code)).rename(columns=by_code)
    weekly_hours = hours.set_index(["economy_code", "year"])["value"]
    rows = []
    usable = pwt[pwt.has_growth_accounting_inputs & pwt.rnna.notna() & pwt.delta.notna()]
    if cutoff is not None:
        usable = usable[usable.year <= cutoff]
    for economy, history in usable.sort_values("year").groupby("economy_code"):
        rows.extend(_extend_one(economy, history.set_index("year"), series, weekly_hours, last_year))
    # typed even when empty (no economy to extend), so that dbt's tables keep their column types
    text = {"economy_code": "str", "labour_basis": "str", "year": "int64", "extended_from": "int64"}
    return pd.DataFrame(rows, columns=COLUMNS).astype({c: text.get(c, "float64") for c in COLUMNS})


def _extend_one(economy: str, history: pd.DataFrame, series: pd.DataFrame, weekly_hours: pd.Series, last_year: int | None):
    anchor_year = int(history.index.max())
    anchor = history.loc[anchor_year]
    if (economy, anchor_year) not in series.index or anchor_year - HC_TREND_YEARS not in history.index:
        return []
    employed_at_anchor = _employed(series.loc[(economy, anchor_year)])
    hours_at_anchor = weekly_hours.get((economy, anchor_year)) if pd.notna(anchor.avh) else None
    hc_trend = (anchor.hc / history.loc[anchor_year - HC_TREND_YEARS].hc) ** (1 / HC_TREND_YEARS)
    labour_share = history.loc[anchor_year - LABOUR_SHARE_YEARS + 1 : anchor_year].labsh.mean()
    previous = {
        "real_gdp": anchor.rgdpna,
        "capital_stock": anchor.rnna,
        "persons_engaged": anchor.emp,
        "average_hours": anchor.avh if hours_at_anchor is not None else np.nan,
        "human_capital_index": anchor.hc,
        "labour_share": anchor.labsh,
    }
    labour_basis = "hours" if hours_at_anchor is not None else "persons"
    rows, year = [], anchor_year + 1
    while (economy, year) in series.index and (last_year is None or year <= last_year):
        inputs = series.loc[(economy, year)]
        employed = _employed(inputs)
        if pd.isna(inputs.output_growth) or pd.isna(inputs.investment_share) or pd.isna(employed) or pd.isna(employed_at_anchor):
            break  # the extension stops at the first year an input is not published: no gap is bridged
        if labour_basis == "hours" and pd.isna(weekly_hours.get((economy, year))):
            break
        real_gdp = previous["real_gdp"] * (1 + inputs.output_growth / 100)
        current = {
            "real_gdp": real_gdp,
            "capital_stock": (1 - anchor.delta) * previous["capital_stock"] + inputs.investment_share / 100 * real_gdp,
            "persons_engaged": anchor.emp * employed / employed_at_anchor,
            "average_hours": anchor.avh * weekly_hours[(economy, year)] / hours_at_anchor if labour_basis == "hours" else np.nan,
            "human_capital_index": anchor.hc * hc_trend ** (year - anchor_year),
            "labour_share": labour_share,
        }
        labour_now = current["persons_engaged"] * (current["average_hours"] if labour_basis == "hours" else 1)
        labour_before = previous["persons_engaged"] * (previous["average_hours"] if labour_basis == "hours" else 1)
        rows.append(
            {
                "economy_code": economy,
                "year": year,
                "extended_from": anchor_year,
                "labour_basis": labour_basis,
                **current,
                "output_growth": np.log(current["real_gdp"] / previous["real_gdp"]),
                "capital_growth": np.log(current["capital_stock"] / previous["capital_stock"]),
                "labour_quantity_growth": np.log(labour_now / labour_before),
                "human_capital_growth": np.log(current["human_capital_index"] / previous["human_capital_index"]),
                "labour_share_avg": (current["labour_share"] + previous["labour_share"]) / 2,
            }
        )
        previous, year = current, year + 1
    return rows


def _employed(inputs: pd.Series) -> float:
    return inputs.labour_force * (1 - inputs.unemployment_rate / 100)


def extension_inputs(series, pwt, wdi, observations) -> dict:
    """The frames ``extend`` reads, from a dbt Python model's refs (DuckDB relations, filtered
    before they become frames): the seed tfp_extension_series, stg_pwt__economy_years,
    stg_wdi__observations and int_observations."""
    series = series.df()
    codes = dict(zip(series.input, series.series_code, strict=True))
    wanted = ", ".join(f"'{codes[name]}'" for name in WDI_INPUTS)  # seed codes, shape-checked at ingest
    hours = (
        observations.filter(f"source = 'gapminder' and indicator_code = '{codes['weekly_hours']}' and geo_status = 'in_scope'")
        .df()
        .rename(columns={"geo_code": "economy_code"})[["economy_code", "year", "value"]]
    )
    return {
        "pwt": pwt.df(),
        "wdi": wdi.filter(f"indicator_code in ({wanted})").df(),
        "hours": hours,
        "codes": codes,
    }
