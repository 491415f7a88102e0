"""A pull compared with the previous landed pull of the same file: what shrank, what moved.

A file can be well formed and still wrong: cut short and re-closed, missing every row of one
large economy, or holding another series under the expected name. Each landed file leaves a
profile (rows, units with their row counts, years, the median value); the next pull of the
same file is compared with it. Losing more rows, units or years than the tolerance allows, or
a median that moved by more than a factor, stops the pull with both numbers in the message,
unless the source is one whose publisher is known to revise (``warn_only``): then the change
is recorded in the pull's remarks and logged.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import SourceSchemaError

if TYPE_CHECKING:
    import pandas as pd

    from .source import RawTable

PROFILES_FILE = "profiles.json"


@dataclass(frozen=True)
class DriftTolerance:
    rows: float = 0.05  # share of the previous rows that may disappear
    # share of the previous rows that may belong to units or years now gone: one economy of a
    # World Bank series is about 0.3% of its rows, so the default catches a large economy lost
    units: float = 0.001
    median_factor: float = 10.0  # how far the median value may move (either way)
    warn_only: tuple[str, ...] = ()  # sources whose publisher revises: changes are recorded, not fatal


DEFAULT_TOLERANCE = DriftTolerance()


@dataclass
class Profile:
    rows: int
    units: dict[str, int] = field(default_factory=dict)  # unit code -> rows
    years: dict[str, int] = field(default_factory=dict)  # year -> rows
    median: float | None = None


class SourceDriftError(SourceSchemaError):
    """A file that parsed but lost rows, units or years, or changed its values' scale, since its last pull."""


def profile(frame: pd.DataFrame, table: RawTable) -> Profile:
    units = frame[table.unit_column].value_counts().to_dict() if table.unit_column else {}
    years = frame[table.year_column].value_counts().to_dict() if table.year_column else {}
    median = float(frame[table.value_column].abs().median()) if table.value_column and len(frame) else None
    return Profile(
        rows=len(frame),
        units={str(k): int(v) for k, v in units.items()},
        years={str(k): int(v) for k, v in years.items()},
        median=median if median == median else None,  # NaN (no values) is no median
    )


def changes(previous: Profile, current: Profile, tolerance: DriftTolerance) -> list[str]:
    """What moved beyond the tolerance, in words with the numbers; empty when nothing did."""
    found = []
    if previous.rows and current.rows < previous.rows * (1 - tolerance.rows):
        found.append(
            f"rows fell from {previous.rows} to {current.rows} ({current.rows / previous.rows - 1:+.1%}), "
            f"more than the tolerated {tolerance.rows:.1%}"
        )
    lost_units = {u: n for u, n in previous.units.items() if u not in current.units}
    if previous.rows and sum(lost_units.values()) > tolerance.units * previous.rows:
        biggest = sorted(lost_units.items(), key=lambda item: (-item[1], item[0]))[:5]
        shown = ", ".join(f"{unit} ({n} rows)" for unit, n in biggest) + (", ..." if len(lost_units) > 5 else "")
        found.append(
            f"every row of {_count(len(lost_units), 'unit')} is gone: {shown}, "
            f"{sum(lost_units.values()) / previous.rows:.1%} of the previous rows (tolerated: {tolerance.units:.1%})"
        )
    lost_years = {y: n for y, n in previous.years.items() if y not in current.years}
    if previous.rows and sum(lost_years.values()) > tolerance.units * previous.rows:
        found.append(
            f"years {_span(previous.years)} became {_span(current.years)}: "
            f"{_count(len(lost_years), 'year')} with {sum(lost_years.values())} rows gone, "
            f"{sum(lost_years.values()) / previous.rows:.1%} of the previous rows (tolerated: {tolerance.units:.1%})"
        )
    if previous.median and current.median:
        factor = max(current.median / previous.median, previous.median / current.median)
        if factor > tolerance.median_factor:
            found.append(
                f"the median value moved from {previous.median:.6g} to {current.median:.6g} (x{factor:.3g}, more than "
                f"x{tolerance.median_factor:g}): is this still the same series?"
            )
    return found


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _span(years: dict[str, int]) -> str:
    return f"{min(years)}-{max(years)}" if years else "(none)"


def read_profiles(landing: Path) -> dict[str, Profile]:
    path = landing / PROFILES_FILE
    if not path.is_file():
        return {}
    return {key: Profile(**value) for key, value in json.loads(path.read_text(encoding="utf-8")).items()}


def write_profiles(landing: Path, updated: dict[str, Profile]) -> None:
    """Merge the landed files' profiles into the store; written whole and renamed, so never half-written."""
    profiles = read_profiles(landing) | updated
    landing.mkdir(parents=True, exist_ok=True)
    partial = landing / f".{PROFILES_FILE}.{os.getpid()}.partial"
    # vars(), not dataclasses.asdict: asdict deep-copies every per-unit count (half a second a run)
    partial.write_text(json.dumps({k: vars(v) for k, v in sorted(profiles.items())}) + "\n", encoding="utf-8")
    os.replace(partial, landing / PROFILES_FILE)
