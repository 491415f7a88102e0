"""Jinja2 templates of the pages, and the facts every page footer repeats."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .geometry import WORLD_GEOMETRY_CREDIT
from .publication import Publication
from .templates import environment
from .vega import BUNDLE_FILE_NAME, EMBED_OPTIONS, ChartSpec, library_versions


@dataclass
class NavItem:
    href: str
    title: str
    current: bool = False


@dataclass
class Section:
    section_id: str
    heading: str
    charts: list[ChartSpec]
    text: str = ""


@dataclass
class Page:
    file_name: str
    template: str
    title: str
    context: dict[str, Any] = field(default_factory=dict)

    @property
    def charts(self) -> list[ChartSpec]:
        return [chart for section in self.context.get("sections", []) for chart in section.charts]


def publication_facts(publication: Publication) -> dict[str, Any]:
    manifest = publication.manifest
    git = manifest.get("git") or {}
    source = manifest.get("data_source") or {}
    source_text = source.get("mode", "unknown")
    if source.get("mirror"):
        source_text += f" (mirror {source['mirror']})"
    if source.get("setting"):
        source_text += f", setting {source['setting']}"
    return {
        "version": publication.version,
        "published_at": manifest.get("published_at", "unknown"),
        "run_id": manifest.get("run_id", "unknown"),
        "git_commit": git.get("commit"),
        "git_dirty": bool(git.get("dirty")),
        "data_source_text": source_text,
    }


def write_pages(pages: list[Page], report_dir: Path, publication: Publication, quality_href: str | None) -> list[Path]:
    shared = {
        "meta": publication_facts(publication),
        "libs": library_versions(),
        "bundle_name": BUNDLE_FILE_NAME,
        "embed_options": EMBED_OPTIONS,
        "geometry_credit": WORLD_GEOMETRY_CREDIT,
        "quality_href": quality_href,
    }
    written = []
    for page in pages:
        nav = [NavItem(other.file_name, other.title, other.file_name == page.file_name) for other in pages]
        html = environment().get_template(page.template).render(**shared, **page.context, nav=nav, charts=page.charts)
        path = report_dir / page.file_name
        path.write_text(html, encoding="utf-8")
        written.append(path)
    return written
