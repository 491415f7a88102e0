"""Outlier treatment, COINr's default (R/treat.R ``Treat``, ``winsorise``, ``log_CT``).

An indicator whose distribution is both skewed and heavy-tailed (|skew| >= 2 and kurtosis >=
3.5) is winsorised one step at a time: the extreme value on the side the skew points to (all
values tied with it) is set to the next value inward, until the distribution passes or
``winmax`` points have been moved. If it still fails, the original values are log-transformed
instead, ``log(x - min + 0.01 (max - min))``. The OECD/JRC Handbook (2008, section 5) and
COINr's documentation give the reasons: a handful of extreme values must not set the scale of
a min-max normalisation for every other unit.
"""

from dataclasses import dataclass, field

import numpy as np

from .statistics import shape


@dataclass(frozen=True)
class TreatmentRule:
    skew_threshold: float = 2.0
    kurt_threshold: float = 3.5
    winmax: int | None = 5  # None: no limit


@dataclass
class Treatment:
    """What happened to one indicator (COINr's Dets_Table and Treated_Points, in one record)."""

    values: np.ndarray  # the treated values (NaN stays NaN)
    skew_before: float
    kurt_before: float
    passed_before: bool | None  # None: the test could not be decided (too few values)
    winsorised: int = 0  # points moved by winsorisation (cumulative, ties counted in full)
    skew_after_winsorising: float = np.nan
    kurt_after_winsorising: float = np.nan
    passed_after_winsorising: bool | None = None
    log_transformed: bool = False
    skew_after_log: float = np.nan
    kurt_after_log: float = np.nan
    passed_after_log: bool | None = None
    points: np.ndarray = field(default_factory=lambda: np.array([], dtype=object))  # "", "winhi", "winlo" per value

    @property
    def method(self) -> str:
        """``none``, ``winsorise`` or ``log`` (the treatment whose values are kept)."""
        if self.log_transformed:
            return "log"
        return "winsorise" if self.winsorised else "none"


def passes(x: np.ndarray, rule: TreatmentRule) -> bool | None:
    """COINr's check_SkewKurt: passes if |skew| < threshold OR kurtosis < threshold, with R's NA logic."""
    return _passes(*shape(x), rule)


def _passes(s: float, k: float, rule: TreatmentRule) -> bool | None:
    skew_ok = None if np.isnan(s) else abs(s) < rule.skew_threshold
    kurt_ok = None if np.isnan(k) else k < rule.kurt_threshold
    if skew_ok or kurt_ok:
        return True
    if skew_ok is None or kurt_ok is None:
        return None
    return False


class Undecidable(ValueError):
    """A test on the partly treated values could not be decided (COINr then leaves the indicator as it was)."""


def winsorise(x: np.ndarray, rule: TreatmentRule) -> tuple[np.ndarray, int, np.ndarray]:
    """Stepwise winsorisation; returns the values, the points moved and each value's label."""
    x = x.astype(float).copy()
    high = low = np.array([], dtype=int)
    moved = 0
    side, peak = shape(x)
    passing = _passes(side, peak, rule)
    while not passing and (rule.winmax is None or moved < rule.winmax):
        present = ~np.isnan(x)
        if np.isnan(side):
            raise Undecidable("the skewness of the partly winsorised values is undefined")
        if side >= 0:  # the side is chosen anew at each step, from the partly treated values
            high = np.flatnonzero(present & (x == np.nanmax(x)))
            x[high] = np.nanmax(np.delete(x, high))
        else:
            low = np.flatnonzero(present & (x == np.nanmin(x)))
            x[low] = np.nanmin(np.delete(x, low))
        # a moved point now equals the next value, so the next step on that side takes it again:
        # the last step's positions on each side are the cumulative count
        moved = high.size + low.size
        side, peak = shape(x)  # the side of the next step is chosen from these same values
        passing = _passes(side, peak, rule)
        if passing is None:
            raise Undecidable("the skewness and kurtosis test of the partly winsorised values is undefined")
    labels = np.full(x.shape, "", dtype=object)
    labels[high] = "winhi"
    labels[low] = "winlo"
    return x, moved, labels


def log_ct(x: np.ndarray) -> np.ndarray:
    """The COIN Tool log: log(x - min + 0.01 (max - min)), over the non-missing values."""
    low, high = np.nanmin(x), np.nanmax(x)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(x - low + 0.01 * (high - low))


def untreated(x: np.ndarray, rule: TreatmentRule = TreatmentRule()) -> Treatment:
    """The record of an indicator left as it is: its statistics and whether it would pass."""
    x = np.asarray(x, dtype=float)
    s, k = shape(x)
    record = Treatment(values=x.copy(), skew_before=s, kurt_before=k, passed_before=_passes(s, k, rule))
    record.points = np.full(x.shape, "", dtype=object)
    return record


def treat(x: np.ndarray, rule: TreatmentRule = TreatmentRule()) -> Treatment:
    """Treat one indicator as COINr's ``Treat`` does with its default specification."""
    record = untreated(x, rule)
    x = record.values.copy()
    if record.passed_before is not False:  # passes, or cannot be told: left as published
        return record
    try:
        winsorised, moved, labels = winsorise(x, rule)
    except Undecidable:
        return record  # as COINr does when a step fails: the indicator is left as published
    record.winsorised, record.points = moved, labels
    record.skew_after_winsorising, record.kurt_after_winsorising = shape(winsorised)
    record.passed_after_winsorising = _passes(record.skew_after_winsorising, record.kurt_after_winsorising, rule)
    if record.passed_after_winsorising is None:  # COINr then returns the untreated values, no point marked
        record.points = np.full(x.shape, "", dtype=object)
        return record
    if record.passed_after_winsorising:
        record.values = winsorised
        return record
    logged = log_ct(x)  # from the original values: the winsorised ones are discarded
    record.log_transformed = True
    record.skew_after_log, record.kurt_after_log = shape(logged)
    record.passed_after_log = _passes(record.skew_after_log, record.kurt_after_log, rule)
    record.values = logged
    return record
