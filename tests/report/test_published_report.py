"""The report and the data-quality page inside a real publication (the shared full refresh):
written by the publication asset, named in the manifest, every page drawn offline in Chromium."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from orchestration.lib.quality.gx_suites import load_suites
from orchestration.lib.settings import EXPECTATIONS_DIR

from .browser import offline_page
from .pages import chart_specs
from .test_browser import check_page

PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def published(refreshed, tmp_path_factory) -> Path:
    """A copy of the publication elsewhere: its pages must work from any folder."""
    target = tmp_path_factory.mktemp("published") / refreshed.latest.name
    shutil.copytree(refreshed.latest, target)
    return target


def test_the_publication_names_its_report_and_quality_page(refreshed):
    manifest = json.loads((refreshed.latest / "manifest.json").read_text())
    assert manifest["pages"] == {"report": "report/index.html", "quality": "quality/index.html"}
    for page in manifest["pages"].values():
        assert (refreshed.latest / page).is_file()
    systems = sorted(manifest["indicator_systems"])
    assert sorted(p.stem for p in (refreshed.latest / "report").glob("*.html")) == sorted(["index", "tfp", *systems])


def test_the_quality_page_lists_every_suite_of_the_run(refreshed):
    text = (refreshed.latest / "quality" / "index.html").read_text(encoding="utf-8")
    suites = load_suites(EXPECTATIONS_DIR)
    assert len(suites) > 30
    for suite in suites:
        assert f">{suite.name}<" in text, f"{suite.name} missing from the quality page"
    assert refreshed.result.run_id in text


def test_every_published_page_renders_offline(browser, published, screenshot_dir):
    pages = sorted((published / "report").glob("*.html"))
    for path in pages:
        check_page(browser, path, screenshot_dir, set(chart_specs(path)), prefix="published")
    watched = offline_page(browser)
    try:
        watched.open(published / "quality" / "index.html")
        assert watched.page.locator("#summary tbody tr").count() == len(load_suites(EXPECTATIONS_DIR))
        watched.page.screenshot(path=str(screenshot_dir / "published-quality.png"), full_page=True)
        watched.assert_offline_and_clean("quality/index.html")
    finally:
        watched.page.context.close()
