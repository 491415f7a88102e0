"""The pages in headless Chromium from file://: every chart drawn, select boxes working, no request leaving the machine."""

from __future__ import annotations

import pandas as pd
import pytest

from orchestration.lib.report.labels import SCORE_COLUMN_LABELS

from .browser import offline_page
from .pages import chart_specs

MIN_SCREENSHOT_BYTES = 20_000


def rendered_charts(page) -> list[dict]:
    return page.eval_on_selector_all(
        ".vega-chart",
        """charts => charts.map(chart => {
            const svg = chart.querySelector('svg');
            const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
            return {id: chart.dataset.chartId, rendered: chart.dataset.rendered, width: box.width, height: box.height,
                    marks: chart.querySelectorAll('.role-mark path, .role-mark line, .role-mark rect').length,
                    drawnPaths: Array.from(chart.querySelectorAll('.role-mark path')).filter(p => (p.getAttribute('d') || '').length > 2).length};
        })""",
    )


def check_page(browser, path, screenshot_dir, expected_charts: set[str], prefix: str = "report") -> list[dict]:
    watched = offline_page(browser)
    try:
        watched.open(path)
        charts = rendered_charts(watched.page)
        assert {chart["id"] for chart in charts} == expected_charts, f"{path.name}: charts on the page differ from its specs"
        for chart in charts:
            assert chart["rendered"] == "true", f"{path.name}: chart {chart['id']} did not render ({chart['rendered']})"
            assert chart["width"] > 100 and chart["height"] > 50, f"{path.name}: chart {chart['id']} has an empty SVG: {chart}"
            assert chart["drawnPaths"] > 0, f"{path.name}: chart {chart['id']} drew no data marks: {chart}"
        shot = screenshot_dir / f"{prefix}-{path.stem}.png"
        watched.page.screenshot(path=str(shot), full_page=True)
        watched.assert_offline_and_clean(path.name)
    finally:
        watched.page.context.close()
    assert shot.is_file() and shot.stat().st_size > MIN_SCREENSHOT_BYTES, f"screenshot {shot} missing or nearly empty"
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    return charts


def test_every_report_page_renders_offline(browser, report_copy, screenshot_dir):
    pages = report_copy.pages()
    assert {page.name for page in pages} >= {"index.html", "tfp.html"} and len(report_copy.system_pages()) >= 1
    for path in pages:
        check_page(browser, path, screenshot_dir, set(chart_specs(path)))


def test_quality_page_renders_offline(browser, report_copy, screenshot_dir):
    watched = offline_page(browser)
    try:
        watched.open(report_copy.quality_index)
        text = watched.page.inner_text("body")
        assert "北京市" in text and "福建" in text and "\\u" not in text
        assert watched.page.locator("#summary tbody tr").count() == 2
        shot = screenshot_dir / "quality-index.png"
        watched.page.screenshot(path=str(shot), full_page=True)
        watched.assert_offline_and_clean("quality/index.html")
    finally:
        watched.page.context.close()
    assert shot.stat().st_size > MIN_SCREENSHOT_BYTES / 2


def test_report_links_to_quality_page(browser, report_copy):
    watched = offline_page(browser)
    try:
        watched.open(report_copy.index)
        watched.page.click("#quality-link")
        watched.page.wait_for_load_state()
        assert watched.page.url == report_copy.quality_index.resolve().as_uri()
        assert watched.page.locator("h1").inner_text() == "Data quality"
        watched.assert_offline_and_clean("index.html -> quality")
    finally:
        watched.page.context.close()


def _switch_select(browser, page_path, chart_id: str, parameter: str, pick) -> dict:
    """Choose another option in the chart's select box; return the title, signal and line paths before and after."""
    watched = offline_page(browser)
    try:
        watched.open(page_path)
        chart = watched.page.locator(f'.vega-chart[data-chart-id="{chart_id}"]')
        select = chart.locator("select")
        options = select.locator("option").all_inner_texts()
        before = _state(watched.page, chart, chart_id, parameter)
        target = pick(options)
        select.select_option(value=target)
        watched.page.wait_for_function(
            "([id, target]) => document.querySelector(`.vega-chart[data-chart-id='${id}'] .role-title-text`).textContent.endsWith(target)",
            arg=[chart_id, target],
        )
        after = _state(watched.page, chart, chart_id, parameter)
        watched.assert_offline_and_clean(page_path.name)
    finally:
        watched.page.context.close()
    return {"options": options, "target": target, "before": before, "after": after}


def _state(page, chart, chart_id: str, parameter: str) -> dict:
    return {
        "title": chart.locator(".role-title-text").text_content(),
        "signal": page.evaluate(f"() => window.nqpfViews['{chart_id}'].signal('{parameter}')"),
        "lines": chart.locator(".mark-line.role-mark path").evaluate_all("paths => paths.map(p => p.getAttribute('d'))"),
        "points": chart.locator(".role-mark path").count(),
    }


def test_unit_select_switches_the_trend_chart(browser, report_copy, publication_dir):
    index = pd.read_parquet(publication_dir / "parquet" / "mart_nqpf_index.parquet")
    for page_path in report_copy.system_pages():
        system_id = page_path.stem
        # The last option: a unit far down the ranking, so its path cannot be the leader's.
        switch = _switch_select(browser, page_path, "unit-trend", "unit", lambda options: options[-1])
        before, after, target = switch["before"], switch["after"], switch["target"]
        assert before["signal"] == switch["options"][0] and after["signal"] == target
        assert after["title"] == f"Index and element scores: {target}" != before["title"]
        assert after["lines"] != before["lines"]
        unit_trends = {row["label"]: row["geo_code"] for row in chart_specs(page_path)["unit-trend"]["datasets"]["unit_trends"]}
        unit_rows = index[(index["system_id"] == system_id) & (index["geo_code"] == unit_trends[target])]
        # One point per published value of the chosen unit: index and three element scores, every year.
        assert after["points"] - (len(after["lines"])) == int(unit_rows[list(SCORE_COLUMN_LABELS)].notna().sum().sum())


def test_economy_select_switches_the_growth_accounting_chart(browser, report_copy):
    switch = _switch_select(
        browser, report_copy.report_dir / "tfp.html", "growth-accounting", "economy", lambda options: options[1]
    )
    assert switch["after"]["signal"] == switch["target"] == switch["options"][1]
    assert switch["after"]["title"] == f"Sources of output growth: {switch['target']}"
    assert switch["after"]["lines"] != switch["before"]["lines"]


def test_rank_intervals_render_as_error_bars(browser, synthetic_report, screenshot_dir):
    for page_path in synthetic_report.system_pages():
        charts = {
            chart["id"]: chart
            for chart in check_page(
                browser, page_path, screenshot_dir, set(chart_specs(page_path)), prefix="synthetic-uncertainty"
            )
        }
        assert "rank-uncertainty" in charts, f"{page_path.name}: no rank-interval chart although mart_nqpf_uncertainty exists"
        shown = len(chart_specs(page_path)["rank-uncertainty"]["datasets"]["rank_uncertainty"])
        # An error bar is a rule plus two ticks per unit; with the median tick and the dot, at least 3 marks each.
        assert charts["rank-uncertainty"]["marks"] >= 3 * shown


def test_the_watch_catches_remote_requests_and_console_errors(browser, tmp_path):
    """The offline assertion is not vacuous: a page that reaches out or logs an error fails it."""
    page_path = tmp_path / "leaky.html"
    page_path.write_text(
        '<!DOCTYPE html><html><body><img src="https://tiles.example.org/0/0/0.png">'
        '<script>console.error("broken chart")</script></body></html>',
        encoding="utf-8",
    )
    watched = offline_page(browser)
    try:
        watched.open(page_path)
        watched.page.wait_for_timeout(200)
        with pytest.raises(AssertionError, match=r"requested outside the machine: \['https://tiles.example.org/0/0/0.png'\]"):
            watched.assert_offline_and_clean("leaky.html")
        watched.blocked.clear()
        watched.requests[:] = [url for url in watched.requests if url.startswith("file:")]
        watched.failed.clear()
        with pytest.raises(AssertionError, match="console errors: .*broken chart"):
            watched.assert_offline_and_clean("leaky.html")
    finally:
        watched.page.context.close()
