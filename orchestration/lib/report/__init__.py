"""Offline analyst report and data-quality page of one NQPF publication.

``build_report(publication_dir)`` writes static HTML pages with Vega-Lite charts into
``publication_dir/report/``; ``build_quality_page(results, out_dir)`` writes the validation results of the
Great Expectations suites as ``out_dir/index.html``. Neither imports Dagster or dbt: they read only the
publication's files (or the results given), and the pages they write fetch nothing from the network.
"""

__all__ = ["build_report", "build_quality_page"]


def __getattr__(name: str):
    # Lazy: the quality page (written by every check step) must not pay for the charting
    # libraries the report imports (about a second).
    if name == "build_report":
        from .build import build_report

        return build_report
    if name == "build_quality_page":
        from .quality import build_quality_page

        return build_quality_page
    raise AttributeError(name)
