"""Asset previews that help: the newest rows first, the columns that identify and matter first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dagster import MetadataValue

if TYPE_CHECKING:  # pandas loads on first use, not with the code location
    import pandas as pd

PREVIEW_ROWS = 10
PREVIEW_COLUMNS = 12  # a Markdown table wider than this is cut off in the UI anyway


def frame_preview(frame: pd.DataFrame, columns: tuple[str, ...] = (), newest_first: tuple[str, ...] = ()) -> MetadataValue:
    """A landed table's preview: its ``columns`` (else the first few), newest ``newest_first`` rows first."""
    shown = [c for c in columns if c in frame.columns] or list(frame.columns[:PREVIEW_COLUMNS])
    order = [c for c in newest_first if c in frame.columns]
    rows = frame.sort_values(order, ascending=False, kind="stable") if order else frame
    return MetadataValue.md(rows[shown].head(PREVIEW_ROWS).to_markdown(index=False))


def preview_query(relation: str, columns: list[str]) -> str:
    """SQL for a warehouse table's preview: the first columns, latest year first when there is one."""
    shown = ", ".join(f'"{c}"' for c in columns[:PREVIEW_COLUMNS])
    order = ' order by "year" desc' if "year" in columns else ""
    return f"select {shown} from {relation}{order} limit {PREVIEW_ROWS}"
