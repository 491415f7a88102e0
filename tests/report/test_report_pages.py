"""The report as files: which pages, what they say about the version and its sources, and that they are self-contained."""

from __future__ import annotations

import json
import re
from pathlib import Path

import altair as alt
import jsonschema
import pytest

from orchestration.lib.report import build_report
from orchestration.lib.report.publication import PublicationError

from .pages import chart_specs, references
from .synthetic_publication import write_synthetic_publication


def manifest(report) -> dict:
    return json.loads((report.publication_dir / "manifest.json").read_text(encoding="utf-8"))


def test_report_has_an_overview_a_page_per_system_and_a_tfp_page(report):
    systems = set(manifest(report)["indicator_systems"])
    assert {page.name for page in report.pages()} == {"index.html", "tfp.html", *(f"{system}.html" for system in systems)}
    assert (report.report_dir / "assets" / "vega-bundle.js").stat().st_size > 500_000
    for page in report.system_pages():
        charts = set(chart_specs(page))
        assert {
            "ranking",
            "top-units-index",
            "top-units-elements",
            "unit-trend",
            "coordination-classes",
            "dagum-gini",
            "theil",
            "coefficient-of-variation",
        } <= charts
    assert "world-map" in chart_specs(report.report_dir / "cross_country.html")
    assert "world-map" not in chart_specs(report.report_dir / "china_provinces.html")
    assert {"growth-accounting", "tfp-levels", "nqpf-tfp-cross_country"} <= set(chart_specs(report.report_dir / "tfp.html"))


def test_overview_states_version_sources_and_vintages(report):
    facts = manifest(report)
    text = report.index.read_text(encoding="utf-8")
    assert facts["version"] in text and facts["published_at"] in text and facts["run_id"] in text
    assert facts["git"]["commit"] in text
    assert facts["data_source"]["mode"] in text
    for entry in facts["sources"]:
        assert f"<td>{entry['source']}</td>" in text
        assert entry["origin"] in text  # Chinese file names stay readable: no \\u escapes in the page
        assert entry["retrieved_at"] in text
    assert "\\u" not in text


def test_every_chart_is_valid_vega_lite(report):
    """The report skips Altair's validation of each chart (a second per report): the schema is checked here."""
    schema = alt.load_schema()
    validator = jsonschema.validators.validator_for(schema)(schema)
    specs = [(page.name, chart_id, spec) for page in report.pages() for chart_id, spec in chart_specs(page).items()]
    assert len(specs) > 20
    for page, chart_id, spec in specs:
        errors = [error.message for error in validator.iter_errors(spec)]
        assert not errors, f"{page} {chart_id}: {errors[:3]}"


def test_every_page_footer_names_version_and_licences(report):
    version = manifest(report)["version"]
    for page in report.pages():
        text = page.read_text(encoding="utf-8")
        assert f'<meta name="nqpf-publication-version" content="{version}">' in text
        assert "Natural Earth" in text and "public domain" in text and "ISC licence" in text and "BSD-3-Clause" in text


def test_pages_refer_only_to_local_files_by_relative_paths(report):
    for page in [*report.pages(), report.quality_index]:
        for tag, attribute, value in references(page):
            assert not re.match(r"^[a-z][a-z0-9+.-]*:|^//|^/", value, re.I), (
                f"{page.name}: <{tag} {attribute}={value}> is not a relative local path"
            )
            target = value.split("#", 1)[0]
            if target:
                assert (page.parent / target).is_file(), f"{page.name}: <{tag} {attribute}={value}> points to a missing file"
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=[\"']https?:", text), (
            f"{page.name} loads a remote resource"
        )
        for spec in chart_specs(page).values():
            assert '"url"' not in json.dumps(spec), f"{page.name}: a chart loads data by URL"


def test_quality_link_follows_the_given_location(tmp_path):
    publication = write_synthetic_publication(tmp_path / "publication", with_uncertainty=False)
    index = build_report(publication, quality_page=tmp_path / "elsewhere" / "checks" / "index.html")
    assert 'href="../../elsewhere/checks/index.html" id="quality-link"' in index.read_text(encoding="utf-8")
    # Without an uncertainty table there is no rank-interval chart.
    for page in ("cross_country.html", "china_provinces.html"):
        assert "rank-uncertainty" not in chart_specs(index.parent / page)


def test_default_quality_link_is_beside_the_report(report):
    assert 'href="../quality/index.html" id="quality-link"' in report.index.read_text(encoding="utf-8")


def test_rebuilding_replaces_the_report_and_leaves_no_staging_folder(tmp_path):
    publication = write_synthetic_publication(tmp_path / "publication")
    build_report(publication)
    (publication / "report" / "stale.html").write_text("old", encoding="utf-8")
    build_report(publication)
    assert not (publication / "report" / "stale.html").exists()
    assert sorted(path.name for path in publication.iterdir()) == ["manifest.json", "parquet", "report"]


def test_a_folder_without_manifest_is_refused(tmp_path):
    with pytest.raises(PublicationError, match=r"is not a publication: manifest.json is missing"):
        build_report(tmp_path)


def test_a_publication_missing_a_table_names_it(tmp_path):
    publication = write_synthetic_publication(tmp_path / "publication")
    (publication / "parquet" / "mart_nqpf_element_scores.parquet").unlink()
    with pytest.raises(
        PublicationError, match=r"has no table mart_nqpf_element_scores \(.*mart_nqpf_element_scores.parquet is missing\)"
    ):
        build_report(publication)
    assert not (publication / "report").exists()


def test_report_is_reasonably_small(report):
    sizes = {
        path.name: path.stat().st_size
        for path in report.report_dir.rglob("*")
        if path.is_file() and path.suffix in {".html", ".js"}
    }
    assert sum(sizes.values()) < 8_000_000, sizes


def test_python_module_entry_point(tmp_path, capsys):
    import sys

    from orchestration.lib.report.__main__ import main

    publication = write_synthetic_publication(tmp_path / "publication", with_uncertainty=False)
    sys_argv = sys.argv
    try:
        sys.argv = ["report", str(publication)]
        main()
    finally:
        sys.argv = sys_argv
    assert f"report written to {Path(publication) / 'report' / 'index.html'}" in capsys.readouterr().out


def test_units_sharing_a_name_are_told_apart(tmp_path):
    import pandas as pd

    from orchestration.lib.report.labels import unit_labels
    from orchestration.lib.report.publication import Publication

    publication = write_synthetic_publication(tmp_path / "publication", with_uncertainty=False)
    geographies = pd.read_parquet(publication / "parquet" / "dim_geographies.parquet")
    geographies.loc[geographies["geo_code"].isin(["NGA", "EGY"]), "geo_name"] = "Same name"
    geographies.to_parquet(publication / "parquet" / "dim_geographies.parquet", index=False)
    labels = unit_labels(Publication.open(publication)).set_index("geo_code")["label"]
    assert labels["NGA"] == "Same name (NGA)" and labels["EGY"] == "Same name (EGY)" and labels["CHN"] == "China"
    assert labels["110000"] == "北京 Beijing"
