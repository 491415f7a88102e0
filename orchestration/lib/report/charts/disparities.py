"""Regional disparities over time: Dagum Gini parts, Theil within/between, coefficient of variation."""

from __future__ import annotations

import json

import altair as alt
import pandas as pd

from ..labels import SCORE_COLUMN_LABELS
from ..vega import ChartSpec, vega_lite_spec
from .common import NARROW, tooltip_number

DAGUM_PARTS = {"gini_within": "Within regions", "gini_between": "Net between regions", "gini_transvariation": "Transvariation"}
THEIL_PARTS = {"theil_within": "Within regions", "theil_between": "Between regions"}
COLUMNS = ["year", "measure", "units", "regions", "mean", "gini", *DAGUM_PARTS, "theil", *THEIL_PARTS, "coefficient_of_variation"]
HEADLINE_MEASURE = "nqpf_index"


def disparity_rows(disparities: pd.DataFrame) -> pd.DataFrame:
    rows = disparities[COLUMNS].sort_values(["measure", "year"]).reset_index(drop=True)
    return rows.assign(measure_label=rows["measure"].map(SCORE_COLUMN_LABELS).fillna(rows["measure"]))


def disparity_charts(disparities: pd.DataFrame) -> list[ChartSpec]:
    rows = disparity_rows(disparities)
    datasets = {"disparities": rows}
    return [
        ChartSpec(
            chart_id="dagum-gini",
            title="Dagum Gini decomposition",
            caption="Gini coefficient of the NQPF index (line) and its Dagum parts, which add up to it: within regions, "
            "net between regions and transvariation (mart_nqpf_disparities).",
            spec=vega_lite_spec(
                _stacked_parts(DAGUM_PARTS, "gini", "Gini coefficient", "Dagum Gini of the NQPF index"), datasets
            ),
        ),
        ChartSpec(
            chart_id="theil",
            title="Theil decomposition",
            caption="Theil index of the NQPF index (line) split into within- and between-region parts (mart_nqpf_disparities).",
            spec=vega_lite_spec(_stacked_parts(THEIL_PARTS, "theil", "Theil index", "Theil index of the NQPF index"), datasets),
        ),
        ChartSpec(
            chart_id="coefficient-of-variation",
            title="Coefficient of variation",
            caption="Coefficient of variation of the index and of each element score; a falling line is sigma convergence.",
            spec=vega_lite_spec(_coefficient_of_variation(), datasets),
        ),
    ]


def _stacked_parts(parts: dict[str, str], total: str, total_title: str, title: str) -> alt.LayerChart:
    # Part names as a Vega expression, so the fold keeps the published column names in the data.
    label_expr = " : ".join(f"datum.part == '{column}' ? '{label}'" for column, label in parts.items()) + " : datum.part"
    base = alt.Chart(alt.NamedData("disparities")).transform_filter(f"datum.measure == '{HEADLINE_MEASURE}'")
    bars = (
        base.transform_fold(list(parts), as_=["part", "value"])
        .transform_calculate(part_label=label_expr, part_order=f"indexof({json.dumps(list(parts))}, datum.part)")
        .mark_bar()
        .encode(
            x=alt.X("year:O", title="Year"),
            y=alt.Y("value:Q", title=total_title, stack="zero"),
            color=alt.Color("part_label:N", title="Part", sort=list(parts.values())),
            order=alt.Order("part_order:Q"),
            tooltip=[alt.Tooltip("year:O"), alt.Tooltip("part_label:N", title="Part"), tooltip_number("value", "Value", 4)],
        )
    )
    line = base.mark_line(color="#222", point=alt.OverlayMarkDef(color="#222", size=20)).encode(
        x=alt.X("year:O"),
        y=alt.Y(f"{total}:Q"),
        tooltip=[alt.Tooltip("year:O"), tooltip_number(total, total_title, 4), alt.Tooltip("units:Q"), alt.Tooltip("regions:Q")],
    )
    return (bars + line).properties(width=NARROW + 40, height=260, title=title)


def _coefficient_of_variation() -> alt.Chart:
    return (
        alt.Chart(alt.NamedData("disparities"))
        .mark_line(point=True)
        .encode(
            x=alt.X("year:Q", title="Year", axis=alt.Axis(format="d")),
            y=alt.Y("coefficient_of_variation:Q", title="Coefficient of variation"),
            color=alt.Color("measure_label:N", title="Measure", sort=list(SCORE_COLUMN_LABELS.values())),
            tooltip=[
                alt.Tooltip("measure_label:N", title="Measure"),
                alt.Tooltip("year:Q"),
                tooltip_number("coefficient_of_variation", "CV", 4),
            ],
        )
        .properties(width=NARROW + 40, height=260, title="Coefficient of variation (sigma convergence)")
    )
