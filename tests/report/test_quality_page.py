"""The data-quality page: a summary of every suite, each expectation with its observed value and failing rows."""

from __future__ import annotations

import re
from html import unescape

from orchestration.lib.report import build_quality_page

from .pages import references
from .quality_results import QUALITY_RESULTS


def rows_of(html: str, table_id: str) -> list[str]:
    body = re.search(rf'<table id="{table_id}">.*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    return re.findall(r"<tr.*?</tr>", body, re.S)


def test_summary_lists_every_suite_with_its_counts(tmp_path):
    html = build_quality_page(QUALITY_RESULTS, tmp_path / "quality").read_text(encoding="utf-8")
    summary = rows_of(html, "summary")
    assert len(summary) == 2
    cells = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td.*?</td>", summary[0], re.S)]
    assert cells == [
        "china_capital_stock_raw",
        "china_capital_stock_raw",
        "raw.china_capital_stock",
        "fail",
        "6,335",
        "3",
        "1",
        "2",
        "2026-11-23T22:31:21+00:00",
    ]
    assert 'class="failed"' in summary[0] and 'class="passed"' in summary[1]
    assert '<span class="fail" id="overall">1 failed</span>' in html


def test_expectations_show_observed_values_and_failing_rows_as_text(tmp_path):
    html = unescape(build_quality_page(QUALITY_RESULTS, tmp_path / "quality").read_text(encoding="utf-8"))
    assert "expect_column_values_to_be_between" in html
    assert '{"max_value": null, "min_value": 0}' in html  # arguments, without the column repeated
    assert '{"unexpected_count": 2, "unexpected_percent": 0.0316}' in html
    assert '<td>福建</td><td>1967</td><td>-0.52</td><td class="mono">asset.csv:1412</td>' in html
    assert '["亿元", "万元"]' in html and "北京市" in html
    assert "\\u" not in html  # Chinese is text, never \\uXXXX
    assert '<td class="observed">12810</td>' in html


def test_values_from_the_data_are_escaped(tmp_path):
    html = build_quality_page(QUALITY_RESULTS, tmp_path / "quality").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_page_is_self_contained(tmp_path):
    page = build_quality_page(QUALITY_RESULTS, tmp_path / "quality")
    assert page == tmp_path / "quality" / "index.html"
    for tag, attribute, value in references(page):
        assert value.startswith("#"), f"<{tag} {attribute}={value}> leaves the page"
    anchors = set(re.findall(r'<section class="suite" id="([^"]+)"', page.read_text(encoding="utf-8")))
    assert anchors == {"suite-1", "suite-2"}


def test_no_results_still_makes_a_page(tmp_path):
    html = build_quality_page([], tmp_path / "quality").read_text(encoding="utf-8")
    assert '<p id="no-results">No validation results were given.</p>' in html
