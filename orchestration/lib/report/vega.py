"""Vega-Lite plumbing: chart specs with named inline datasets, and the JavaScript that renders them offline.

Charts are written with Altair and rendered in the page by vega-embed. The Vega, Vega-Lite and vega-embed
JavaScript comes from vl-convert-python's bundle, so no page ever asks a CDN for a script.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd
import vl_convert

BUNDLE_FILE_NAME = "vega-bundle.js"

# Charts render to SVG: crisp in screenshots and printing, and tests can count the marks in the DOM.
EMBED_OPTIONS = {"renderer": "svg", "actions": False}


@dataclass
class ChartSpec:
    """One figure of a page: its id (the HTML anchor), heading, caption and Vega-Lite spec."""

    chart_id: str
    title: str
    caption: str
    spec: dict[str, Any]
    interactive: bool = False
    notes: list[str] = field(default_factory=list)

    def spec_json(self) -> str:
        return embeddable_json(self.spec)


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts: numpy scalars to Python, NaN and NA to null, values untouched otherwise.

    Floats keep their full precision (JSON's shortest round-trip repr), so a test can compare a chart's
    numbers to the Parquet file with ``==``.
    """
    # Column by column: Series.tolist() converts to Python scalars in C, where row dicts box every value.
    columns = {name: [_plain(value) for value in frame[name].tolist()] for name in frame.columns}
    return [dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)]


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def vega_lite_spec(chart: alt.TopLevelMixin, datasets: dict[str, pd.DataFrame | list | dict]) -> dict[str, Any]:
    """The chart's Vega-Lite dict with ``datasets`` attached under their own names.

    Charts refer to their data with ``alt.NamedData(name)``; keeping the rows in a top-level ``datasets``
    entry keyed by a readable name (not a content hash) lets analysts and tests find a chart's numbers.
    """
    # Unvalidated: Altair's JSON-schema validation took a second per report; tests/report validates every spec.
    spec = chart.to_dict(validate=False)
    # Legends name units and classes in two languages: let their labels run longer than Vega's 160 px.
    spec.setdefault("config", {}).setdefault("legend", {}).setdefault("labelLimit", 300)
    spec["datasets"] = {name: records(data) if isinstance(data, pd.DataFrame) else data for name, data in datasets.items()}
    return spec


def embeddable_json(spec: dict[str, Any]) -> str:
    """JSON safe inside ``<script type="application/json">``: Chinese stays text, and ``</`` cannot close the tag."""
    text = json.dumps(spec, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.replace("</", "<\\/")


@cache
def _bundle_text() -> str:
    """vl-convert bundles Vega, Vega-Lite and vega-embed into one script that sets ``window.vegaEmbed``.

    Bundling takes about 2.5 s, so the result is cached per vl-convert version in the user's cache folder.
    """
    cache_dir = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "nqpf-report"
    cached = cache_dir / f"vega-bundle-vlconvert-{vl_convert.__version__}-vl-{alt.SCHEMA_VERSION}.js"
    if cached.is_file():
        return cached.read_text(encoding="utf-8")
    text = vl_convert.javascript_bundle(vl_version=_vegalite_minor_version())
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        # Write then rename, so that a concurrent build never reads half a file.
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=cache_dir, delete=False, suffix=".tmp") as handle:
            handle.write(text)
        os.replace(handle.name, cached)
    except OSError:
        pass  # a read-only home only costs the next build the bundling time
    return text


def _vegalite_minor_version() -> str:
    """The Vega-Lite version Altair writes specs for, as vl-convert names it (e.g. ``6.4``)."""
    major_minor = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    available = vl_convert.get_vegalite_versions()
    if major_minor not in available:
        raise RuntimeError(
            f"vl-convert {vl_convert.__version__} has no Vega-Lite {major_minor} (has {available}); pin matching versions"
        )
    return major_minor


def write_bundle(assets_dir: Path) -> Path:
    """Write the renderer script beside the pages; a classic script, so it loads from ``file://`` too."""
    assets_dir.mkdir(parents=True, exist_ok=True)
    path = assets_dir / BUNDLE_FILE_NAME
    path.write_text(_bundle_text(), encoding="utf-8")
    return path


def library_versions() -> dict[str, str]:
    return {
        "altair": alt.__version__,
        "vega_lite": alt.SCHEMA_VERSION.lstrip("v"),
        "vega": vl_convert.get_vega_version(),
        "vega_embed": vl_convert.get_vega_embed_version(),
        "vl_convert": vl_convert.__version__,
    }
