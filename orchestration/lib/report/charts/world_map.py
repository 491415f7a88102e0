"""A world choropleth of an economies system's index in its last year."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ..geometry import WORLD_TOPOJSON_OBJECT, mapped_alpha3_codes, numeric_code_of_alpha3, world_topology
from ..vega import ChartSpec, vega_lite_spec
from .common import WIDE, latest_year, tooltip_number


def map_values(index_rows: pd.DataFrame) -> pd.DataFrame:
    year = latest_year(index_rows)
    rows = index_rows[index_rows["year"] == year][["geo_code", "label", "year", "nqpf_index", "nqpf_rank"]]
    rows = rows.assign(iso_numeric=rows["geo_code"].map(numeric_code_of_alpha3()))
    return rows.sort_values("nqpf_rank").reset_index(drop=True)


def world_map_chart(system_title: str, index_rows: pd.DataFrame) -> ChartSpec:
    values = map_values(index_rows)
    year = int(values["year"].iloc[0])
    shapes = alt.NamedData("world", format=alt.DataFormat(type="topojson", feature=WORLD_TOPOJSON_OBJECT))
    land = alt.Chart(shapes).mark_geoshape(fill="#e4e4e4", stroke="white", strokeWidth=0.4)
    fields = ["geo_code", "label", "nqpf_index", "nqpf_rank"]
    choropleth = (
        alt.Chart(shapes)
        .transform_lookup(lookup="id", from_=alt.LookupData(alt.NamedData("map_values"), key="iso_numeric", fields=fields))
        .transform_filter("isValid(datum.nqpf_index)")
        .mark_geoshape(stroke="white", strokeWidth=0.4)
        .encode(
            color=alt.Color("nqpf_index:Q", title=f"NQPF index {year}", scale=alt.Scale(scheme="viridis")),
            tooltip=[
                alt.Tooltip("label:N", title="Economy"),
                tooltip_number("nqpf_index", "NQPF index", 4),
                alt.Tooltip("nqpf_rank:Q", title="Rank"),
            ],
        )
    )
    chart = (
        (land + choropleth)
        .project(type="equalEarth")
        .properties(width=WIDE, height=380, title=f"{system_title}: NQPF index {year}")
    )
    unmapped = values.loc[~values["geo_code"].isin(mapped_alpha3_codes()), "label"].tolist()
    notes = []
    if unmapped:
        shown = ", ".join(unmapped[:8]) + (" ..." if len(unmapped) > 8 else "")
        notes.append(f"{len(unmapped)} economies in the index have no shape at 1:110m and appear only in the ranking: {shown}.")
    return ChartSpec(
        chart_id="world-map",
        title=f"Map of {year}",
        caption=f"NQPF index of every economy in the index in {year} (mart_nqpf_index); grey: not in the index.",
        spec=vega_lite_spec(chart, {"map_values": values, "world": world_topology()}),
        notes=notes,
    )
