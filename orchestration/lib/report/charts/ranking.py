"""The latest year's ranking of a system, with 5-95 % rank intervals when the publication has them."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ..vega import ChartSpec, vega_lite_spec
from .common import BAR_STEP, NARROW, SHOW_ALL_UNITS_UP_TO, TOP_AND_BOTTOM, WIDE, latest_year, tooltip_number

UNCERTAINTY_COLUMNS = ["system_id", "geo_code", "year", "nominal_rank", "median_rank", "rank_p05", "rank_p95"]


def ranked_units(index_rows: pd.DataFrame) -> pd.DataFrame:
    """The last year's rows in published rank order: all units, or the top and bottom ones of a long list."""
    year = latest_year(index_rows)
    last = index_rows[index_rows["year"] == year].sort_values(["nqpf_rank", "geo_code"])
    if len(last) <= SHOW_ALL_UNITS_UP_TO:
        shown = last.assign(group="all units")
    else:
        shown = pd.concat(
            [
                last.head(TOP_AND_BOTTOM).assign(group=f"top {TOP_AND_BOTTOM}"),
                last.tail(TOP_AND_BOTTOM).assign(group=f"bottom {TOP_AND_BOTTOM}"),
            ]
        )
    shown = shown.assign(rank_label=shown["nqpf_rank"].astype(str) + ". " + shown["label"])
    columns = [
        "geo_code",
        "label",
        "rank_label",
        "group",
        "year",
        "nqpf_index",
        "nqpf_rank",
        "topsis_closeness",
        "topsis_rank",
        "coupling_coordination",
    ]
    return shown[columns].reset_index(drop=True)


def ranking_chart(system_title: str, index_rows: pd.DataFrame) -> ChartSpec:
    ranked = ranked_units(index_rows)
    year = int(ranked["year"].iloc[0])
    units_in_year = int((index_rows["year"] == year).sum())
    single_group = ranked["group"].nunique() == 1
    bars = (
        alt.Chart(alt.NamedData("ranking"))
        .mark_bar()
        .encode(
            # An explicit order (not a sort field) so the bar and text layers agree on the domain.
            y=alt.Y("rank_label:N", sort=ranked["rank_label"].tolist(), title=None),
            x=alt.X("nqpf_index:Q", title=f"NQPF index {year}", scale=alt.Scale(domain=[0, 1])),
            color=alt.Color(
                "group:N", title=None, scale=alt.Scale(scheme="tableau10"), legend=None if single_group else alt.Legend()
            ),
            tooltip=[
                alt.Tooltip("label:N", title="Unit"),
                alt.Tooltip("nqpf_rank:Q", title="Rank"),
                tooltip_number("nqpf_index", "NQPF index", 4),
                tooltip_number("topsis_closeness", "TOPSIS closeness", 4),
                alt.Tooltip("topsis_rank:Q", title="TOPSIS rank"),
                tooltip_number("coupling_coordination", "Coupling coordination D", 3),
            ],
        )
    )
    values = bars.mark_text(align="left", dx=3, fontSize=10).encode(
        text=alt.Text("nqpf_index:Q", format=".3f"), color=alt.ColorValue("#333")
    )
    chart = (bars + values).properties(width=WIDE - 220, height=alt.Step(BAR_STEP), title=f"{system_title}: ranking in {year}")
    shown = "every unit" if single_group else f"the top and bottom {TOP_AND_BOTTOM} of {units_in_year} units"
    return ChartSpec(
        chart_id="ranking",
        title=f"Ranking in {year}",
        caption=f"NQPF index and published rank (mart_nqpf_index) of {shown} in {year}.",
        spec=vega_lite_spec(chart, {"ranking": ranked}),
    )


def rank_uncertainty_chart(uncertainty: pd.DataFrame, ranked: pd.DataFrame) -> ChartSpec | None:
    """Nominal and median rank with the 5-95 % interval for the units of the ranking chart.

    Uses the ranking's year when the uncertainty table has it, and its own latest year otherwise.
    """
    missing = [column for column in UNCERTAINTY_COLUMNS if column not in uncertainty.columns]
    if missing:
        raise ValueError(f"mart_nqpf_uncertainty lacks columns {missing}")
    if uncertainty.empty:
        return None
    ranking_year = int(ranked["year"].iloc[0])
    year = ranking_year if (uncertainty["year"] == ranking_year).any() else int(uncertainty["year"].max())
    rows = uncertainty[(uncertainty["year"] == year) & uncertainty["geo_code"].isin(ranked["geo_code"])]
    rows = rows.merge(ranked[["geo_code", "label"]], on="geo_code").sort_values(["nominal_rank", "geo_code"])
    if rows.empty:
        return None
    rows = rows.assign(rank_label=rows["nominal_rank"].astype(str) + ". " + rows["label"])
    rows = rows[["geo_code", "label", "rank_label", "year", "nominal_rank", "median_rank", "rank_p05", "rank_p95"]]
    y = alt.Y("rank_label:N", sort=rows["rank_label"].tolist(), title=None)
    base = alt.Chart(alt.NamedData("rank_uncertainty")).encode(y=y)
    tooltip = [
        alt.Tooltip("label:N", title="Unit"),
        alt.Tooltip("nominal_rank:Q", title="Published rank"),
        alt.Tooltip("median_rank:Q", title="Median rank"),
        alt.Tooltip("rank_p05:Q", title="Rank, 5th percentile"),
        alt.Tooltip("rank_p95:Q", title="Rank, 95th percentile"),
    ]
    interval = base.mark_errorbar(ticks=True, color="#4c78a8").encode(
        x=alt.X("rank_p05:Q", title="Rank (1 = best)", scale=alt.Scale(zero=False)), x2=alt.X2("rank_p95:Q"), tooltip=tooltip
    )
    median = base.mark_tick(color="#f58518", thickness=2, size=12).encode(x=alt.X("median_rank:Q"), tooltip=tooltip)
    nominal = base.mark_point(filled=True, color="#333", size=30).encode(x=alt.X("nominal_rank:Q"), tooltip=tooltip)
    chart = (interval + median + nominal).properties(width=NARROW + 60, height=alt.Step(BAR_STEP), title=f"Rank intervals {year}")
    note = [] if year == ranking_year else [f"The uncertainty table has no {ranking_year}; it shows {year}."]
    return ChartSpec(
        chart_id="rank-uncertainty",
        title=f"Rank uncertainty in {year}",
        caption="Published rank (dot), median rank (orange tick) and the 5-95 % interval of ranks (bar) from mart_nqpf_uncertainty.",
        spec=vega_lite_spec(chart, {"rank_uncertainty": rows}),
        notes=note,
    )
