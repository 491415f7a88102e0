"""The valid range of every raw variable, declared once in the seed ``source_value_ranges.csv``.

Ingest checks each published value against its range while it still knows the value's file,
column and row, so a value outside (a sign error, a unit slip, ``1e308``) stops the pull with
all four named. A range is physical or plausible (shares in [0, 100], counts >= 0, GDP below
ten times the world's), never fitted to today's data.
"""

import csv
from functools import cache
from pathlib import Path

from .connectors.errors import ConfigurationError
from .settings import SEEDS_DIR

RANGES_SEED = "source_value_ranges.csv"


@cache
def _ranges(seeds: Path) -> dict[tuple[str, str], dict[str, tuple[float, float]]]:
    ranges: dict[tuple[str, str], dict[str, tuple[float, float]]] = {}
    with (seeds / RANGES_SEED).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            ranges.setdefault((row["source"], row["applies_to"]), {})[row["name"]] = (
                float(row["min_value"]),
                float(row["max_value"]),
            )
    return ranges


def value_ranges(source: str, applies_to: str, seeds: Path = SEEDS_DIR) -> dict[str, tuple[float, float]]:
    """Ranges of ``source``'s variables: by ``column`` (wide files), ``series`` (long files) or ``unit``."""
    return _ranges(seeds).get((source, applies_to), {})


def series_range(source: str, code: str, seeds: Path = SEEDS_DIR) -> tuple[float, float]:
    """The range of one series; a series the pipeline reads must have one."""
    try:
        return value_ranges(source, "series", seeds)[code]
    except KeyError:
        raise ConfigurationError(
            f"{source}: no valid range is declared for series {code}: add a row to dbt_project/seeds/{RANGES_SEED}"
        ) from None
