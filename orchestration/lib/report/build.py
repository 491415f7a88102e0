"""``build_report``: the analyst report of one publication, as static pages inside the publication folder."""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from .charts.coordination import coordination_chart
from .charts.disparities import disparity_charts
from .charts.ranking import rank_uncertainty_chart, ranked_units, ranking_chart
from .charts.tfp import growth_accounting_chart, nqpf_tfp_chart, tfp_levels_chart
from .charts.trends import top_units_elements_chart, top_units_index_chart, unit_trend_chart
from .charts.world_map import world_map_chart
from .labels import unit_labels, with_labels
from .pages import Page, Section, write_pages
from .publication import IndicatorSystem, Publication
from .vega import write_bundle

REPORT_DIR_NAME = "report"
UNCERTAINTY_TABLE = "mart_nqpf_uncertainty"
# Economies of the growth-accounting charts by default: large economies of Asia, Europe and the Americas, and Korea (the
# cross-country index's leader in 2023). build_report(tfp_economies=...) picks others.
DEFAULT_TFP_ECONOMIES = ("CHN", "USA", "JPN", "DEU", "IND", "GBR", "FRA", "BRA", "KOR")


def build_report(publication_dir: Path, quality_page: Path | None = None, tfp_economies: Sequence[str] | None = None) -> Path:
    """Write ``publication_dir/report/`` (index.html, one page per indicator system, tfp.html, assets/) and return index.html.

    ``quality_page`` is where the data-quality page is (default ``publication_dir/quality/index.html``); pages
    link to it by a relative path, so the folder can be copied or served anywhere. The previous report, if
    any, is replaced only once the new one is complete.
    """
    publication_dir = Path(publication_dir)
    publication = Publication.open(publication_dir)
    report_dir = publication_dir / REPORT_DIR_NAME
    quality_page = Path(quality_page) if quality_page is not None else publication_dir / "quality" / "index.html"
    quality_href = Path(os.path.relpath(quality_page.resolve(), report_dir.resolve())).as_posix()

    labels = unit_labels(publication)
    index = with_labels(publication.table("mart_nqpf_index"), labels, fallback_name="geo_name")
    elements = with_labels(publication.table("mart_nqpf_element_scores"), labels)
    pages = [Page("index.html", "index.html.j2", "Overview")]
    cards = []
    for system in publication.indicator_systems:
        system_index = index[index["system_id"] == system.system_id]
        pages.append(_system_page(publication, system, system_index, elements[elements["system_id"] == system.system_id]))
        cards.append(_system_card(system, system_index))
    tfp_page = _tfp_page(publication, labels, list(tfp_economies or DEFAULT_TFP_ECONOMIES))
    if tfp_page is not None:
        pages.append(tfp_page)
    pages[0].context = {
        "systems": cards,
        "has_tfp": tfp_page is not None,
        "sources": publication.source_vintages,
        "source_files": [entry for vintage in publication.source_vintages for entry in vintage.origins],
        "checks": publication.checks_summary,
    }

    staging = publication_dir / f".{REPORT_DIR_NAME}.building-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        write_bundle(staging / "assets")
        write_pages(pages, staging, publication, quality_href)
        shutil.rmtree(report_dir, ignore_errors=True)
        staging.rename(report_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return report_dir / "index.html"


def _system_page(publication: Publication, system: IndicatorSystem, index_rows: pd.DataFrame, element_rows: pd.DataFrame) -> Page:
    ranking = [ranking_chart(system.title, index_rows)]
    uncertainty = publication.optional_table(UNCERTAINTY_TABLE)
    if uncertainty is not None:
        chart = rank_uncertainty_chart(uncertainty[uncertainty["system_id"] == system.system_id], ranked_units(index_rows))
        ranking += [chart] if chart else []
    if system.geography == "economies":
        ranking.append(world_map_chart(system.title, index_rows))
    sections = [
        Section("ranking", "Latest ranking", ranking),
        Section(
            "trends",
            "Index and element scores over time",
            [top_units_index_chart(index_rows), top_units_elements_chart(element_rows, index_rows), unit_trend_chart(index_rows)],
        ),
        Section("coordination", "Coupling coordination", [coordination_chart(index_rows)]),
    ]
    disparities = publication.optional_table("mart_nqpf_disparities")
    if disparities is not None and (disparities["system_id"] == system.system_id).any():
        system_disparities = disparities[disparities["system_id"] == system.system_id]
        regions = int(system_disparities["regions"].max())
        text = f"Disparities between the units of the index, grouped into {regions} regions ({_region_scheme(publication, index_rows)})."
        sections.append(Section("disparities", "Regional disparities", disparity_charts(system_disparities), text))
    weights = publication.optional_table("mart_nqpf_indicator_weights")
    indicators = []
    if weights is not None:
        rows = weights[weights["system_id"] == system.system_id].sort_values(["element", "indicator_id"])
        indicators = rows.to_dict(orient="records")
    last_year_units = int((index_rows["year"] == system.last_year).sum())
    context = {"system": system, "sections": sections, "indicators": indicators, "units_last_year": last_year_units}
    return Page(f"{system.system_id}.html", "system.html.j2", system.title, context)


def _system_card(system: IndicatorSystem, index_rows: pd.DataFrame) -> dict:
    last = index_rows[index_rows["year"] == system.last_year].sort_values(["nqpf_rank", "geo_code"])
    return {
        "system": system,
        "href": f"{system.system_id}.html",
        "units_last_year": len(last),
        "leaders": last.head(3)[["nqpf_rank", "label", "nqpf_index"]].to_dict(orient="records"),
    }


def _region_scheme(publication: Publication, index_rows: pd.DataFrame) -> str:
    geographies = publication.table("dim_geographies")
    schemes = geographies.loc[geographies["geo_code"].isin(index_rows["geo_code"]), "region_scheme"].dropna().unique()
    return ", ".join(sorted(schemes)) or "regions of dim_geographies"


def _tfp_page(publication: Publication, labels: pd.DataFrame, economies: list[str]) -> Page | None:
    accounting = publication.optional_table("mart_tfp_growth_accounting")
    levels = publication.optional_table("mart_tfp_levels")
    if accounting is None or levels is None:
        return None
    accounting = with_labels(accounting, labels, code_column="economy_code", fallback_name="economy_name")
    levels = with_labels(levels, labels, code_column="economy_code", fallback_name="economy_name")
    economies = [code for code in economies if code in set(accounting["economy_code"])]
    if not economies:
        economies = sorted(accounting["economy_code"].unique())[:5]
    sections = [
        Section(
            "growth-accounting",
            "Sources of growth",
            [growth_accounting_chart(accounting, economies), tfp_levels_chart(levels, economies)],
        )
    ]
    nqpf_tfp = publication.optional_table("mart_nqpf_tfp")
    if nqpf_tfp is not None:
        nqpf_tfp = with_labels(nqpf_tfp, labels, code_column="economy_code", fallback_name="economy_name")
        regions = publication.table("dim_geographies")[["geo_code", "region"]].drop_duplicates("geo_code")
        titles = {system.system_id: system.title for system in publication.indicator_systems}
        charts = [
            nqpf_tfp_chart(nqpf_tfp, system_id, titles.get(system_id, system_id), regions)
            for system_id in sorted(nqpf_tfp["system_id"].unique())
        ]
        charts = [chart for chart in charts if chart is not None]
        if charts:
            sections.append(Section("nqpf-tfp", "NQPF and TFP", charts))
    return Page("tfp.html", "tfp.html.j2", "TFP", {"sections": sections})
