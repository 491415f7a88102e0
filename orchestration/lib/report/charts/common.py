"""What every chart shares: sizes, the unit selection the pages agree on, and the latest year."""

from __future__ import annotations

import altair as alt
import pandas as pd

WIDE = 720
NARROW = 340
BAR_STEP = 16  # pixels per unit in ranked bar charts

# Rankings show every unit up to this many, and the top and bottom TOP_AND_BOTTOM beyond it.
SHOW_ALL_UNITS_UP_TO = 40
TOP_AND_BOTTOM = 10
# Trend charts follow the leaders of the last year.
TOP_UNITS_FOR_TRENDS = 5


def latest_year(rows: pd.DataFrame) -> int:
    return int(rows["year"].max())


def top_units(index_rows: pd.DataFrame, count: int = TOP_UNITS_FOR_TRENDS) -> list[str]:
    """geo_codes of the ``count`` best-ranked units of the last year, best first (ranks as published)."""
    last = index_rows[index_rows["year"] == latest_year(index_rows)]
    return last.sort_values(["nqpf_rank", "geo_code"])["geo_code"].head(count).tolist()


def tooltip_number(field: str, title: str, digits: int = 3) -> alt.Tooltip:
    return alt.Tooltip(f"{field}:Q", title=title, format=f".{digits}f")
