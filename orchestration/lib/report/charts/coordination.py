"""How many units fall in each coupling-coordination class, year by year."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ..vega import ChartSpec, vega_lite_spec
from .common import WIDE


def coordination_counts(index_rows: pd.DataFrame) -> pd.DataFrame:
    """Units per year and class, with the class's Chinese name and its place in the scale of D.

    Classes are ordered by the smallest coupling coordination D published in them, since the class seed
    (thresholds of D) is not itself published.
    """
    rows = index_rows.dropna(subset=["coordination_class"])
    order = rows.groupby("coordination_class")["coupling_coordination"].min().sort_values()
    counts = (
        rows.groupby(["year", "coordination_class", "coordination_class_zh"], dropna=False).size().rename("units").reset_index()
    )
    counts["class_order"] = counts["coordination_class"].map({name: rank for rank, name in enumerate(order.index)})
    zh = counts["coordination_class_zh"].fillna("")
    counts["class_label"] = (zh + " " + counts["coordination_class"]).str.strip()
    return counts.sort_values(["year", "class_order"]).reset_index(drop=True)


def coordination_chart(index_rows: pd.DataFrame) -> ChartSpec:
    counts = coordination_counts(index_rows)
    class_order = counts.drop_duplicates("class_label").sort_values("class_order")["class_label"].tolist()
    chart = (
        alt.Chart(alt.NamedData("coordination_classes"))
        .mark_bar()
        .encode(
            x=alt.X("year:O", title="Year"),
            y=alt.Y("units:Q", title="Units", stack="zero"),
            # From red (disorder) to green (coordination), in the order of the classes.
            color=alt.Color(
                "class_label:N",
                title="Coordination class",
                sort=class_order,
                scale=alt.Scale(scheme="redyellowgreen", domain=class_order),
            ),
            order=alt.Order("class_order:Q", sort="ascending"),
            tooltip=[alt.Tooltip("year:O"), alt.Tooltip("class_label:N", title="Class"), alt.Tooltip("units:Q", title="Units")],
        )
        .properties(width=WIDE - 260, height=280, title="Units per coupling-coordination class")
    )
    return ChartSpec(
        chart_id="coordination-classes",
        title="Coupling coordination of the three elements",
        caption="Units per class of the coupling coordination degree D (coordination_class of mart_nqpf_index), per year.",
        spec=vega_lite_spec(chart, {"coordination_classes": counts}),
    )
