"""Reading the built pages back: the Vega-Lite specs a page embeds, and the links it makes."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

SPEC_SCRIPT = re.compile(r'<script type="application/json" id="spec-([^"]+)">(.*?)</script>', re.S)


def chart_specs(page: Path) -> dict[str, dict]:
    """chart id -> Vega-Lite spec, as embedded in the page."""
    text = page.read_text(encoding="utf-8")
    return {chart_id: json.loads(body.replace("<\\/", "</")) for chart_id, body in SPEC_SCRIPT.findall(text)}


def dataset(page: Path, chart_id: str, name: str) -> list[dict]:
    specs = chart_specs(page)
    assert chart_id in specs, f"{page.name} has no chart {chart_id} (has {sorted(specs)})"
    return specs[chart_id]["datasets"][name]


class _References(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.references: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in {"src", "href"} and value is not None:
                self.references.append((tag, name, value))


def references(page: Path) -> list[tuple[str, str, str]]:
    """(tag, attribute, value) of every src and href of the page."""
    parser = _References()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.references
