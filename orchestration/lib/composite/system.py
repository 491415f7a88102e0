"""One indicator system from panel to index, under its nominal choices or any other.

The panel is every unit-year of the system's index (rows) by its indicators (columns), with the
values after gap filling (NaN where a unit-year has none). Under a set of ``Choices`` the steps
are those of the OECD/JRC Handbook, in this order:

1. treatment of outliers, per indicator over all rows (pooled, like the normalisation);
2. imputation of what is still missing, per indicator within each year;
3. normalisation of the values oriented so that more is better, pooled over all rows;
4. weights (entropy, CRITIC, equal, PCA), always computed on the min-max normalisation with
   the system's shift, which every method can read (entropy needs positive values);
5. aggregation: element scores with the weights within each element, the index with the
   weights over the system; arithmetic over the values a unit-year has, or geometric on the
   values rescaled to [0.01, 1];
6. ranks within each year (1 = highest).

``evaluate`` gives the nominal result in full; ``ranks_for_draws`` recomputes only the index and
its ranks for many draws at once (the uncertainty and sensitivity analyses).
"""

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import cache

import numpy as np

from . import aggregation, imputation, normalisation, weighting
from .treatment import Treatment, TreatmentRule, treat, untreated
from .uncertainty import level, noisy_weights, ranks_within, saltelli_design, sensitivity_indices

GEOMETRIC_FLOOR = 0.01  # geometric means read values rescaled to [0.01, 1] (COINr's [1, 100] / 100)
WEIGHT_BASIS = "minmax"  # the normalisation every weighting method reads (step 4)


@cache
def pool() -> ThreadPoolExecutor:
    """Threads for the independent pieces of one evaluation (the indicators' treatments, the years'
    imputations, the weighting methods, TOPSIS beside the weighted means) and of the tables made
    from it (the indicators' correlation ratios). NumPy lets go of the interpreter lock inside its
    loops, so at tens of millions of cells two threads take 35-40% off these steps (measured at
    30M: weights 5.3 s to 3.3 s, treatment 2.8 s to 1.8 s); the results are the same, computed apart."""
    return ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1), thread_name_prefix="composite")


@dataclass(frozen=True)
class Choices:
    treatment: TreatmentRule | None = TreatmentRule()  # None: no treatment
    imputation: str = "none"
    normalisation: str = "minmax"
    weighting: str = "entropy"
    aggregation: str = "arithmetic"


@dataclass(frozen=True)
class Panel:
    """A system's index rows and indicators: what every computation starts from."""

    geo: np.ndarray  # per row
    year: np.ndarray  # per row
    group: np.ndarray  # per row: the unit's group for group imputation (income group, region)
    indicators: list[str]
    elements: np.ndarray  # per indicator
    directions: np.ndarray  # per indicator: +1 or -1
    values: np.ndarray  # rows x indicators, NaN = no value (observed or filled)
    shift: float = 1e-4  # lower end of the min-max normalisation (entropy takes logs of shares)
    # where the values came from, for the per-cell output: each placed cell's key in the dbt models
    # and its position in ``values`` (row * indicators + column)
    cell_ids: np.ndarray | None = None
    cell_positions: np.ndarray | None = None

    @property
    def element_names(self) -> list[str]:
        return list(dict.fromkeys(self.elements))


@dataclass
class Result:
    choices: Choices
    treatments: list[Treatment]
    treated: np.ndarray  # after treatment, before imputation
    imputed: np.ndarray  # bool: the value was imputed
    prepared: np.ndarray  # treated and imputed
    normalised: np.ndarray
    weights_in_element: dict[str, np.ndarray] = field(default_factory=dict)  # by weighting method
    weights_in_system: dict[str, np.ndarray] = field(default_factory=dict)
    entropy: np.ndarray | None = None
    element_scores: dict[str, np.ndarray] = field(default_factory=dict)
    index: np.ndarray | None = None
    ranks: np.ndarray | None = None
    topsis: np.ndarray | None = None


def prepare(panel: Panel, choices: Choices) -> tuple[list[Treatment], np.ndarray, np.ndarray, np.ndarray]:
    """Treatment then imputation: (treatment records, treated values, imputed mask, prepared values)."""
    columns = panel.values.shape[1]
    if choices.treatment is None:
        treatments = [untreated(panel.values[:, j]) for j in range(columns)]
        treated = panel.values.copy()
    else:
        treatments = list(pool().map(lambda j: treat(panel.values[:, j], choices.treatment), range(columns)))
        treated = np.column_stack([t.values for t in treatments]) if columns else panel.values.copy()
    prepared = treated.copy()
    years = [panel.year == year for year in np.unique(panel.year)]
    imputed_by_year = pool().map(
        lambda rows: imputation.impute_columns(treated[rows], choices.imputation, panel.group[rows]), years
    )
    for rows, values in zip(years, imputed_by_year, strict=True):
        prepared[rows] = values
    return treatments, treated, np.isnan(treated) & ~np.isnan(prepared), prepared


def normalised(panel: Panel, prepared: np.ndarray, method: str) -> np.ndarray:
    """The prepared values oriented (more is better) and normalised by ``method`` with the system's shift."""
    return normalisation.normalise(normalisation.oriented(prepared, panel.directions), method, panel.shift)


def combine(z: np.ndarray, w: np.ndarray, method: str) -> np.ndarray:
    """Weighted mean per row under ``method`` (geometric on the values rescaled to [0.01, 1])."""
    if method == "geometric":
        z = aggregation.positive_scale(z, GEOMETRIC_FLOOR, 1.0)
    return aggregation.weighted_mean(z, w, method)


def evaluate(panel: Panel, choices: Choices, every_weighting: bool = True, prepared_data: tuple | None = None) -> Result:
    """The system under ``choices``: every intermediate, the weights (of every method, or only the
    chosen one), scores, index, ranks, TOPSIS. ``prepared_data`` reuses ``prepare``'s result for
    the same treatment and imputation."""
    treatments, treated, imputed, prepared = prepared_data or prepare(panel, choices)
    z = normalised(panel, prepared, choices.normalisation)
    result = Result(choices, treatments, treated, imputed, prepared, z)
    # when the chosen normalisation is the weights' own, z is their basis (a full pass saved at scale)
    basis = z if choices.normalisation == WEIGHT_BASIS else normalised(panel, prepared, WEIGHT_BASIS)
    methods = weighting.METHODS if every_weighting else (choices.weighting,)
    # the result reports every indicator's entropy, which the entropy weights are made of
    divergence = weighting.entropy_divergence(basis)
    for method, (in_element, in_system) in zip(
        methods,
        pool().map(lambda method: weighting.weights(basis, panel.elements, method, divergence), methods),
        strict=True,
    ):
        result.weights_in_element[method], result.weights_in_system[method] = in_element, in_system
    result.entropy = 1 - divergence
    in_element = result.weights_in_element[choices.weighting]
    in_system = result.weights_in_system[choices.weighting]
    closeness = pool().submit(topsis, z, in_system)  # beside the means below
    for element in panel.element_names:
        members = panel.elements == element
        result.element_scores[element] = combine(z[:, members], in_element[members], choices.aggregation)
    result.index = combine(z, in_system, choices.aggregation)
    result.ranks = ranks_within(result.index[:, None], panel.year)[:, 0]
    result.topsis = closeness.result()
    return result


def topsis(z: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Closeness to the ideal: distance to the worst / (to the best + to the worst), weighted values,
    the ideal and anti-ideal taken over all rows, distances over the indicators a row has."""
    weighted = z * w
    missing = np.isnan(weighted)
    with np.errstate(invalid="ignore"):  # an indicator with no value has no ideal (NaN), as nanmax says
        best, worst = np.fmax.reduce(weighted, axis=0), np.fmin.reduce(weighted, axis=0)
    to_best, to_worst = _distance(weighted, best, missing), _distance(weighted, worst, missing)
    with np.errstate(divide="ignore", invalid="ignore"):
        return to_worst / (to_best + to_worst)


def _distance(weighted: np.ndarray, ideal: np.ndarray, missing: np.ndarray) -> np.ndarray:
    """Each row's Euclidean distance to ``ideal`` over the values it has: the differences of its
    missing values set to 0 in place and the squares summed by one ``einsum`` (at 30M values 40%
    faster than ``nansum`` of the squares, which copies the array twice)."""
    difference = weighted - ideal
    difference[missing] = 0.0
    return np.sqrt(np.einsum("ij,ij->i", difference, difference))


# ---------------------------------------------------------------- many draws at once

FACTORS = ("treatment", "imputation", "weighting", "weights", "normalisation", "aggregation")


@dataclass(frozen=True)
class Alternatives:
    """The levels each discrete factor can take (the nominal choice among them)."""

    treatment: tuple[TreatmentRule | None, ...]
    imputation: tuple[str, ...]
    weighting: tuple[str, ...] = weighting.METHODS
    normalisation: tuple[str, ...] = normalisation.METHODS
    aggregation: tuple[str, ...] = aggregation.METHODS
    weight_noise: float = 0.25


class DrawEvaluator:
    """Index ranks for many draws of the choices, sharing every step that draws have in common."""

    def __init__(self, panel: Panel, alternatives: Alternatives):
        self.panel, self.alternatives = panel, alternatives
        self._prepared: dict[tuple[int, int], np.ndarray] = {}
        self._normalised: dict[tuple[int, int, str], np.ndarray] = {}  # by treatment, imputation, method
        self._weights: dict[tuple[int, int, int], np.ndarray] = {}

    def ranks(self, draws: np.ndarray) -> np.ndarray:
        """Ranks (rows x draws) for draws given as uniforms in [0, 1): one column per factor level
        choice (treatment, imputation, weighting), one per indicator (weight noise), then
        normalisation and aggregation."""
        alt, n_ind = self.alternatives, len(self.panel.indicators)
        t = level(draws[:, 0], len(alt.treatment))
        i = level(draws[:, 1], len(alt.imputation))
        m = level(draws[:, 2], len(alt.weighting))
        noise = draws[:, 3 : 3 + n_ind]
        n = level(draws[:, 3 + n_ind], len(alt.normalisation))
        a = level(draws[:, 4 + n_ind], len(alt.aggregation))
        index = np.empty((self.panel.values.shape[0], draws.shape[0]))
        for key in sorted(set(zip(t, i, n, a, strict=True))):
            runs = np.flatnonzero((t == key[0]) & (i == key[1]) & (n == key[2]) & (a == key[3]))
            z = self._z(key[0], key[1], key[2])
            # each run's weights: its method's weights over the system, each moved by its own noise
            base = np.stack([self._w(key[0], key[1], method) for method in range(len(alt.weighting))])
            w = noisy_weights(base[m[runs]], noise[runs], alt.weight_noise).T
            index[:, runs] = self._combine_many(z, w, alt.aggregation[key[3]])
        return ranks_within(index, self.panel.year)

    def _prepared_values(self, t: int, i: int) -> np.ndarray:
        if (t, i) not in self._prepared:
            choices = Choices(treatment=self.alternatives.treatment[t], imputation=self.alternatives.imputation[i])
            self._prepared[(t, i)] = prepare(self.panel, choices)[3]
        return self._prepared[(t, i)]

    def _z(self, t: int, i: int, n: int) -> np.ndarray:
        return self._normalised_as(t, i, self.alternatives.normalisation[n])

    def _normalised_as(self, t: int, i: int, method: str) -> np.ndarray:
        if (t, i, method) not in self._normalised:
            self._normalised[(t, i, method)] = normalised(self.panel, self._prepared_values(t, i), method)
        return self._normalised[(t, i, method)]

    def _w(self, t: int, i: int, m: int) -> np.ndarray:
        if (t, i, m) not in self._weights:
            basis = self._normalised_as(t, i, WEIGHT_BASIS)  # one basis for every weighting method
            self._weights[(t, i, m)] = weighting.weights(basis, self.panel.elements, self.alternatives.weighting[m])[1]
        return self._weights[(t, i, m)]

    @staticmethod
    def _combine_many(z: np.ndarray, w: np.ndarray, method: str) -> np.ndarray:
        """Rows x draws: the weighted mean of each row under each draw's weights (columns of ``w``)."""
        if method == "geometric":
            z = aggregation.positive_scale(z, GEOMETRIC_FLOOR, 1.0)
        present = ~np.isnan(z)
        total = present.astype(float) @ w
        filled = np.where(present, np.log(np.where(present, z, 1.0)) if method == "geometric" else z, 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = (filled @ w) / np.where(total > 0, total, np.nan)
        return np.exp(mean) if method == "geometric" else mean


@dataclass
class Uncertainty:
    ranks: np.ndarray  # rows x 2N: the ranks of samples A and B (the uncertainty analysis)
    first_order: dict[str, np.ndarray]  # factor -> per row
    total: dict[str, np.ndarray]


def analyse(panel: Panel, alternatives: Alternatives, runs: int, seed: int) -> Uncertainty:
    """Uncertainty and sensitivity of every row's rank from ``runs`` Monte Carlo runs.

    The runs are Saltelli's two independent samples A and B of ``runs / 2`` draws each (the
    uncertainty analysis reads all of them); the sensitivity analysis adds, for each of the
    six factors, A with that factor from B: ``runs / 2 * 8`` evaluations in all."""
    if runs % 2:
        raise ValueError(f"the Monte Carlo needs an even number of runs (samples A and B), not {runs}")
    sizes = dict.fromkeys(FACTORS, 1) | {"weights": len(panel.indicators)}  # in the column order ranks() reads
    design = saltelli_design(sizes, runs // 2, seed)
    evaluator = DrawEvaluator(panel, alternatives)
    f_a, f_b = evaluator.ranks(design.a).astype(float), evaluator.ranks(design.b).astype(float)
    first, total = {}, {}
    for factor in FACTORS:
        f_ab = evaluator.ranks(design.ab(factor)).astype(float)
        first[factor], total[factor] = sensitivity_indices(f_a, f_b, f_ab)
    return Uncertainty(np.hstack([f_a, f_b]), first, total)


def one_at_a_time(nominal: Choices, alternatives: Alternatives) -> dict[str, Choices]:
    """The nominal choices, and each alternative level of one factor with the others nominal (named ``factor=level``)."""
    variants = {"nominal": nominal}
    for factor in ("treatment", "imputation", "weighting", "normalisation", "aggregation"):
        for option in getattr(alternatives, factor):
            if option != getattr(nominal, factor):
                name = "none" if option is None else option if isinstance(option, str) else "coinr_default"
                variants[f"{factor}={name}"] = replace(nominal, **{factor: option})
    return variants
