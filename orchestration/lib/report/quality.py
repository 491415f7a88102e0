"""``build_quality_page``: validation results of the Great Expectations suites as one offline HTML page."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .templates import environment

FILE_AND_LINE = ("_file", "_line")


@dataclass
class ExpectationView:
    expectation: str
    column: str | None
    kwargs_text: str
    success: bool
    observed_text: str
    sample_columns: list[str]
    sample_rows: list[list[str]]
    sample_locations: list[str]


@dataclass
class SuiteView:
    anchor: str
    suite: str
    asset: str
    table: str
    success: bool
    rows_validated: int | None
    run_id: str
    evaluated_at: str
    expectations: list[ExpectationView]

    @property
    def passed(self) -> int:
        return sum(1 for e in self.expectations if e.success)

    @property
    def failed(self) -> int:
        return len(self.expectations) - self.passed


def build_quality_page(results: list[dict], out_dir: Path) -> Path:
    """Write ``out_dir/index.html``: a summary of every suite, then each suite's expectations with the
    observed value and up to five failing rows (with the source file and line when the rows carry them)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    suites = [_suite_view(result, position) for position, result in enumerate(results)]
    html = (
        environment()
        .get_template("quality.html.j2")
        .render(
            suites=suites,
            total_failed=sum(1 for suite in suites if not suite.success),
            run_ids=sorted({suite.run_id for suite in suites if suite.run_id}),
        )
    )
    path = out_dir / "index.html"
    path.write_text(html, encoding="utf-8")
    return path


def as_text(value: Any) -> str:
    """Values as readable text: JSON for structures, with Chinese kept as characters (no \\uXXXX)."""
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str, sort_keys=isinstance(value, dict))


def _suite_view(result: dict, position: int) -> SuiteView:
    expectations = [_expectation_view(item) for item in result.get("expectations", [])]
    suite = str(result.get("suite", f"suite {position + 1}"))
    return SuiteView(
        anchor=f"suite-{position + 1}",
        suite=suite,
        asset=str(result.get("asset", "")),
        table=str(result.get("table", "")),
        success=bool(result.get("success")),
        rows_validated=result.get("rows_validated"),
        run_id=str(result.get("run_id", "")),
        evaluated_at=str(result.get("evaluated_at", "")),
        expectations=expectations,
    )


def _expectation_view(item: dict) -> ExpectationView:
    rows = item.get("unexpected_rows") or []
    columns: list[str] = []
    for row in rows:
        columns += [key for key in row if key not in FILE_AND_LINE and key not in columns]
    locations = []
    for row in rows:
        file_name, line = row.get("_file"), row.get("_line")
        locations.append(f"{file_name}:{line}" if file_name and line is not None else (str(file_name) if file_name else ""))
    kwargs = {key: value for key, value in (item.get("kwargs") or {}).items() if key != "column"}
    return ExpectationView(
        expectation=str(item.get("expectation", "")),
        column=item.get("column"),
        kwargs_text=as_text(kwargs) if kwargs else "",
        success=bool(item.get("success")),
        observed_text=as_text(item.get("observed")),
        sample_columns=columns,
        sample_rows=[[as_text(row.get(column)) for column in columns] for row in rows],
        sample_locations=locations,
    )
