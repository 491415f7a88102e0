"""Which series the indicator systems need, read from the dbt seeds (the systems are data).

The rule is stated in the dbt model ``int_nqpf__00_required_series``; ingest needs the same
answer before dbt runs, so it is computed here from the seed files too, and a test proves
both give the same set. Nothing here names an indicator.
"""

import csv
from pathlib import Path

from .settings import SEEDS_DIR


def _rows(name: str, seeds: Path) -> list[dict[str, str]]:
    with (seeds / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def required_series(seeds: Path = SEEDS_DIR) -> set[tuple[str, str]]:
    """(source, code) of every series a system uses: its indicators and their transforms' denominators."""
    indicators = _rows("nqpf_indicators.csv", seeds)
    geography = {r["system_id"]: r["geography"] for r in _rows("nqpf_systems.csv", seeds)}
    transforms_in_use = {(geography.get(r["system_id"]), r["transform"]) for r in indicators}
    denominators = {
        (r["denominator_source"], r["denominator_code"])
        for r in _rows("nqpf_transforms.csv", seeds)
        if r["operation"] == "ratio" and (r["geography"], r["transform"]) in transforms_in_use
    }
    return {(r["source"], r["indicator_code"]) for r in indicators} | denominators


def required_codes(source: str, seeds: Path = SEEDS_DIR) -> list[str]:
    """Codes of ``source`` that some system uses."""
    return sorted(code for named_source, code in required_series(seeds) if named_source == source)
