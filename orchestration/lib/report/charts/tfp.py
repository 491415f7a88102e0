"""TFP: growth accounting of selected economies, TFP level paths, and the NQPF index against TFP growth."""

from __future__ import annotations

import json

import altair as alt
import pandas as pd

from ..vega import ChartSpec, vega_lite_spec
from .common import NARROW, WIDE, tooltip_number

ECONOMY_PARAMETER = "economy"
CONTRIBUTIONS = {
    "capital_contribution": "Capital services",
    "labour_quantity_contribution": "Labour quantity",
    "human_capital_contribution": "Human capital",
    "tfp_growth": "TFP",
}
ACCOUNTING_COLUMNS = ["economy_code", "label", "year", "labour_basis", "output_growth", *CONTRIBUTIONS]


def growth_accounting_chart(accounting: pd.DataFrame, economies: list[str]) -> ChartSpec:
    """Output growth (line) and its sources (stacked bars) for one economy chosen in a select box."""
    rows = accounting[accounting["economy_code"].isin(economies)][ACCOUNTING_COLUMNS].sort_values(["economy_code", "year"])
    rows = rows.reset_index(drop=True)
    label_of = dict(zip(rows["economy_code"], rows["label"], strict=False))
    options = [label_of[code] for code in economies if code in label_of]
    economy = alt.param(name=ECONOMY_PARAMETER, value=options[0], bind=alt.binding_select(options=options, name="Economy: "))
    label_expr = (
        " : ".join(f"datum.source == '{column}' ? '{label}'" for column, label in CONTRIBUTIONS.items()) + " : datum.source"
    )
    base = alt.Chart(alt.NamedData("growth_accounting")).transform_filter(f"datum.label == {ECONOMY_PARAMETER}")
    bars = (
        base.transform_fold(list(CONTRIBUTIONS), as_=["source", "value"])
        .transform_calculate(source_label=label_expr, source_order=f"indexof({json.dumps(list(CONTRIBUTIONS))}, datum.source)")
        .mark_bar()
        .encode(
            x=alt.X("year:O", title="Year", axis=alt.Axis(labelAngle=-90, labelExpr="datum.value % 5 == 0 ? datum.label : ''")),
            y=alt.Y("value:Q", title="Log points", stack="zero"),
            color=alt.Color("source_label:N", title="Contribution", sort=list(CONTRIBUTIONS.values())),
            order=alt.Order("source_order:Q"),
            tooltip=[
                alt.Tooltip("year:O"),
                alt.Tooltip("source_label:N", title="Contribution"),
                tooltip_number("value", "Log points", 4),
                alt.Tooltip("labour_basis:N", title="Labour basis"),
            ],
        )
    )
    line = base.mark_line(color="#222", point=alt.OverlayMarkDef(color="#222", size=14)).encode(
        x=alt.X("year:O"),
        y=alt.Y("output_growth:Q"),
        tooltip=[alt.Tooltip("year:O"), tooltip_number("output_growth", "Output growth (dln Y)", 4)],
    )
    chart = (
        (bars + line)
        .add_params(economy)
        .properties(
            width=WIDE - 180,
            height=300,
            title=alt.TitleParams(text=alt.ExprRef(expr=f"'Sources of output growth: ' + {ECONOMY_PARAMETER}")),
        )
    )
    return ChartSpec(
        chart_id="growth-accounting",
        title="Growth accounting",
        caption="Output growth (line, dln Y) and the contributions of capital services, labour quantity, human capital "
        "and TFP that add up to it (Tornqvist, mart_tfp_growth_accounting). Choose an economy.",
        spec=vega_lite_spec(chart, {"growth_accounting": rows}),
        interactive=True,
    )


def tfp_levels_chart(levels: pd.DataFrame, economies: list[str]) -> ChartSpec:
    rows = levels[levels["economy_code"].isin(economies) & levels["tfp_index"].notna()]
    rows = (
        rows[["economy_code", "label", "year", "base_year", "labour_basis", "tfp_index"]]
        .sort_values(["economy_code", "year"])
        .reset_index(drop=True)
    )
    base_years = sorted(rows["base_year"].dropna().unique().tolist())
    base_year = int(base_years[0]) if len(base_years) == 1 else None
    chart = (
        alt.Chart(alt.NamedData("tfp_levels"))
        .mark_line()
        .encode(
            x=alt.X("year:Q", title="Year", axis=alt.Axis(format="d")),
            y=alt.Y(
                "tfp_index:Q",
                title=f"TFP index ({base_year} = 1)" if base_year else "TFP index (base year = 1)",
                scale=alt.Scale(zero=False),
            ),
            color=alt.Color("label:N", title="Economy"),
            tooltip=[
                alt.Tooltip("label:N", title="Economy"),
                alt.Tooltip("year:Q"),
                tooltip_number("tfp_index", "TFP index", 4),
                alt.Tooltip("labour_basis:N", title="Labour basis"),
            ],
        )
        .properties(width=WIDE - 200, height=300, title="TFP level paths")
    )
    return ChartSpec(
        chart_id="tfp-levels",
        title="TFP levels",
        caption="Cumulated TFP index of the same economies (mart_tfp_levels); a break in the chain leaves a gap.",
        spec=vega_lite_spec(chart, {"tfp_levels": rows}),
    )


def nqpf_tfp_chart(nqpf_tfp: pd.DataFrame, system_id: str, system_title: str, regions: pd.DataFrame) -> ChartSpec | None:
    """The NQPF index against mean TFP growth of the last five years, in the latest year that has both."""
    rows = nqpf_tfp[(nqpf_tfp["system_id"] == system_id) & nqpf_tfp["nqpf_index"].notna() & nqpf_tfp["tfp_growth_avg_5y"].notna()]
    if rows.empty:
        return None
    year = int(rows["year"].max())
    rows = rows[rows["year"] == year].merge(regions, how="left", left_on="economy_code", right_on="geo_code")
    rows = rows.assign(region=rows["region"].fillna("(no region)"))
    columns = [
        "economy_code",
        "label",
        "region",
        "year",
        "nqpf_index",
        "nqpf_rank",
        "tfp_growth",
        "tfp_growth_avg_5y",
        "tfp_index",
    ]
    rows = rows[columns].sort_values("nqpf_rank").reset_index(drop=True)
    dataset = f"nqpf_tfp_{system_id}"
    chart = (
        alt.Chart(alt.NamedData(dataset))
        .mark_circle(size=60, opacity=0.8)
        .encode(
            x=alt.X("nqpf_index:Q", title=f"NQPF index {year}"),
            y=alt.Y("tfp_growth_avg_5y:Q", title=f"Mean TFP growth {year - 4}-{year} (log points)"),
            color=alt.Color("region:N", title="Region"),
            tooltip=[
                alt.Tooltip("label:N", title="Economy"),
                tooltip_number("nqpf_index", "NQPF index", 4),
                alt.Tooltip("nqpf_rank:Q", title="Rank"),
                tooltip_number("tfp_growth_avg_5y", "Mean TFP growth, 5 years", 4),
                tooltip_number("tfp_growth", f"TFP growth {year}", 4),
            ],
        )
        .properties(width=NARROW + 140, height=320, title=f"{system_title}: NQPF index and TFP growth, {year}")
    )
    return ChartSpec(
        chart_id=f"nqpf-tfp-{system_id}",
        title=f"NQPF index and TFP growth ({system_title})",
        caption=f"Each dot an economy in {year}, the latest year with both the index and five years of TFP growth (mart_nqpf_tfp).",
        spec=vega_lite_spec(chart, {dataset: rows}),
    )
