"""Which series the indicator systems need, read from the dbt seeds (the systems are data).

The rule is stated in the dbt model ``int_nqpf__00_required_series``; ingest needs the same
answer before dbt runs, so it is computed here from the seed files too, and a test proves
both give the same set. Nothing here names an indicator.

Ingest turns these codes into file paths and URLs, so every id and code is checked against
the shape its source uses before it is used: a seed row carrying a quote, a path or SQL stops
the run naming the seed file and line.
"""

import csv
import re
from pathlib import Path

from .connectors.errors import ConfigurationError
from .settings import SEEDS_DIR

PLAIN_NAME = re.compile(r"[a-z][a-z0-9_]*")
# The shape of a series code at each source (what its files and URLs are named by).
CODE_SHAPES = {
    "wdi": re.compile(r"[A-Z0-9]+(\.[A-Z0-9]+)+"),
    "pwt": re.compile(r"[a-z][a-z0-9_]*"),
    "gapminder": re.compile(r"[a-z0-9_]+"),
}
ANY_CODE = re.compile(r"[A-Za-z0-9_.]+")


def _rows(name: str, seeds: Path) -> list[dict[str, str]]:
    with (seeds / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _checked(rows: list[dict[str, str]], file: str, columns: dict[str, re.Pattern]) -> list[dict[str, str]]:
    for line, row in enumerate(rows, start=2):
        for column, shape in columns.items():
            value = row.get(column) or ""
            if value and not shape.fullmatch(value):
                raise ConfigurationError(f"seed {file}, line {line}, column {column!r}: {value!r} is not a valid {column}")
    return rows


def _series_rows(rows: list[dict[str, str]], file: str, source_column: str, code_column: str) -> None:
    for line, row in enumerate(rows, start=2):
        source, code = row.get(source_column) or "", row.get(code_column) or ""
        if code and not CODE_SHAPES.get(source, ANY_CODE).fullmatch(code):
            raise ConfigurationError(
                f"seed {file}, line {line}, column {code_column!r}: {code!r} is not a {source or 'series'} code"
            )


def required_series(seeds: Path = SEEDS_DIR) -> set[tuple[str, str]]:
    """(source, code) of every series a system uses: its indicators and their transforms' denominators."""
    indicators = _checked(
        _rows("nqpf_indicators.csv", seeds), "nqpf_indicators.csv", {"system_id": PLAIN_NAME, "indicator_id": PLAIN_NAME}
    )
    _series_rows(indicators, "nqpf_indicators.csv", "source", "indicator_code")
    systems = _checked(_rows("nqpf_systems.csv", seeds), "nqpf_systems.csv", {"system_id": PLAIN_NAME})
    transforms = _rows("nqpf_transforms.csv", seeds)
    _series_rows(transforms, "nqpf_transforms.csv", "denominator_source", "denominator_code")
    geography = {r["system_id"]: r["geography"] for r in systems}
    transforms_in_use = {(geography.get(r["system_id"]), r["transform"]) for r in indicators}
    denominators = {
        (r["denominator_source"], r["denominator_code"])
        for r in transforms
        if r["operation"] == "ratio" and (r["geography"], r["transform"]) in transforms_in_use
    }
    return {(r["source"], r["indicator_code"]) for r in indicators} | denominators


def extension_series(seeds: Path = SEEDS_DIR) -> set[tuple[str, str]]:
    """(source, code) of the series that extend growth accounting after PWT's last year (seed tfp_extension_series)."""
    extension = _rows("tfp_extension_series.csv", seeds)
    _series_rows(extension, "tfp_extension_series.csv", "source", "series_code")
    return {(r["source"], r["series_code"]) for r in extension}


def required_codes(source: str, seeds: Path = SEEDS_DIR) -> list[str]:
    """Codes of ``source`` that ingest lands: those some system uses, and those the TFP extension uses."""
    wanted = required_series(seeds) | extension_series(seeds)
    return sorted(code for named_source, code in wanted if named_source == source)
