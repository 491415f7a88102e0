"""Which series the indicator systems need, read from the dbt seeds (the systems are data).

Ingest assets fetch what the seeds name: every indicator of every system plus the
denominators of their transforms. Nothing here names an indicator.
"""

import csv
from pathlib import Path

from .settings import DBT_PROJECT_DIR

SEEDS = DBT_PROJECT_DIR / "seeds"


def _rows(name: str, seeds: Path = SEEDS) -> list[dict[str, str]]:
    with (seeds / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def required_codes(source: str, seeds: Path = SEEDS) -> list[str]:
    """Codes of ``source`` used by any system: its indicators and the transforms' denominators."""
    indicators = _rows("indicator_system.csv", seeds)
    geography = {r["system_id"]: r["geography"] for r in _rows("indicator_systems.csv", seeds)}
    transforms_in_use = {(geography.get(r["system_id"]), r["transform"]) for r in indicators}
    denominators = {
        r["denominator_code"]
        for r in _rows("indicator_transforms.csv", seeds)
        if r["denominator_source"] == source and (r["geography"], r["transform"]) in transforms_in_use
    }
    return sorted({r["indicator_code"] for r in indicators if r["source"] == source} | denominators)
