"""Index and element-score paths: the last year's leaders, and any unit picked in the page."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ..labels import ELEMENT_LABELS, SCORE_COLUMN_LABELS
from ..vega import ChartSpec, vega_lite_spec
from .common import NARROW, WIDE, tooltip_number, top_units

# The select box's parameter; the page's tests switch it by this name.
UNIT_PARAMETER = "unit"


def top_units_index_chart(index_rows: pd.DataFrame) -> ChartSpec:
    leaders = top_units(index_rows)
    rows = index_rows[index_rows["geo_code"].isin(leaders)][["geo_code", "label", "year", "nqpf_index", "nqpf_rank"]]
    rows = rows.sort_values(["geo_code", "year"]).reset_index(drop=True)
    legend_order = _labels_in_order(rows, leaders)
    chart = (
        alt.Chart(alt.NamedData("top_units_index"))
        .mark_line(point=True)
        .encode(
            x=alt.X("year:Q", title="Year", axis=alt.Axis(format="d")),
            y=alt.Y("nqpf_index:Q", title="NQPF index"),
            color=alt.Color("label:N", title="Unit", sort=legend_order),
            tooltip=[
                alt.Tooltip("label:N", title="Unit"),
                alt.Tooltip("year:Q"),
                tooltip_number("nqpf_index", "NQPF index", 4),
                alt.Tooltip("nqpf_rank:Q", title="Rank"),
            ],
        )
        .properties(width=WIDE - 200, height=280, title="NQPF index of the last year's top 5")
    )
    return ChartSpec(
        chart_id="top-units-index",
        title="Index of the leaders",
        caption="NQPF index over the years for the five best-ranked units of the last year (mart_nqpf_index).",
        spec=vega_lite_spec(chart, {"top_units_index": rows}),
    )


def top_units_elements_chart(element_rows: pd.DataFrame, index_rows: pd.DataFrame) -> ChartSpec:
    leaders = top_units(index_rows)
    rows = element_rows[element_rows["geo_code"].isin(leaders)][["geo_code", "label", "year", "element", "score", "rank_in_year"]]
    rows = rows.assign(element_label=rows["element"].map(ELEMENT_LABELS).fillna(rows["element"]))
    rows = rows.sort_values(["element", "geo_code", "year"]).reset_index(drop=True)
    legend_order = _labels_in_order(rows, leaders)
    element_order = [ELEMENT_LABELS.get(e, e) for e in ELEMENT_LABELS if e in set(rows["element"])] + sorted(
        set(rows["element_label"]) - set(ELEMENT_LABELS.values())
    )
    chart = (
        alt.Chart(alt.NamedData("top_units_elements"))
        .mark_line(point=alt.OverlayMarkDef(size=18))
        .encode(
            x=alt.X("year:Q", title="Year", axis=alt.Axis(format="d")),
            y=alt.Y("score:Q", title="Element score"),
            color=alt.Color("label:N", title="Unit", sort=legend_order),
            tooltip=[
                alt.Tooltip("label:N", title="Unit"),
                alt.Tooltip("element_label:N", title="Element"),
                alt.Tooltip("year:Q"),
                tooltip_number("score", "Score", 4),
            ],
        )
        .properties(width=220, height=200)
        .facet(column=alt.Column("element_label:N", title=None, sort=element_order))
        .properties(title="Element scores of the last year's top 5")
    )
    return ChartSpec(
        chart_id="top-units-elements",
        title="Element scores of the leaders",
        caption="Scores of the three elements (laborers, instruments and subjects of labour) for the same five units (mart_nqpf_element_scores).",
        spec=vega_lite_spec(chart, {"top_units_elements": rows}),
    )


def unit_trend_chart(index_rows: pd.DataFrame) -> ChartSpec:
    """Index and the three element scores of one unit, chosen in a select box (a Vega-Lite parameter: no server)."""
    last_year = int(index_rows["year"].max())
    order = index_rows[index_rows["year"] == last_year].sort_values(["nqpf_rank", "geo_code"])["label"].tolist()
    order += sorted(set(index_rows["label"]) - set(order))  # units not in the index in the last year come last
    rows = index_rows[["geo_code", "label", "year", *SCORE_COLUMN_LABELS]].rename(columns=SCORE_COLUMN_LABELS)
    rows = rows.sort_values(["geo_code", "year"]).reset_index(drop=True)
    series = list(SCORE_COLUMN_LABELS.values())
    unit = alt.param(name=UNIT_PARAMETER, value=order[0], bind=alt.binding_select(options=order, name="Unit: "))
    chart = (
        alt.Chart(alt.NamedData("unit_trends"))
        .transform_filter(f"datum.label == {UNIT_PARAMETER}")
        .transform_fold(series, as_=["series", "value"])
        .mark_line(point=True)
        .encode(
            x=alt.X("year:Q", title="Year", axis=alt.Axis(format="d")),
            y=alt.Y("value:Q", title="Index / score", scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("series:N", title=None, sort=series),
            strokeDash=alt.StrokeDashValue(**alt.condition(alt.datum.series == series[0], alt.value([1, 0]), alt.value([4, 3]))),
            tooltip=[
                alt.Tooltip("label:N", title="Unit"),
                alt.Tooltip("series:N", title="Series"),
                alt.Tooltip("year:Q"),
                tooltip_number("value", "Value", 4),
            ],
        )
        .add_params(unit)
        .properties(
            width=NARROW + 200,
            height=280,
            title=alt.TitleParams(text=alt.ExprRef(expr=f"'Index and element scores: ' + {UNIT_PARAMETER}")),
        )
    )
    return ChartSpec(
        chart_id="unit-trend",
        title="Any unit",
        caption="Choose a unit: its NQPF index (solid) and element scores (dashed) over the years (mart_nqpf_index).",
        spec=vega_lite_spec(chart, {"unit_trends": rows}),
        interactive=True,
    )


def _labels_in_order(rows: pd.DataFrame, codes: list[str]) -> list[str]:
    label_of = dict(zip(rows["geo_code"], rows["label"], strict=False))
    return [label_of[code] for code in codes if code in label_of]
