"""The tables the NQPF dbt Python models return, one function per model, for every system at once.

Each takes the engine input and the systems seed as DataFrames (see ``panels``) and returns a
long DataFrame whose columns the model's schema documents. The nominal result is recomputed by
each (it takes milliseconds); only ``uncertainty`` runs the Monte Carlo.
"""

import numpy as np
import pandas as pd

from . import audit, weighting
from .panels import cells, panels, unit_years
from .statistics import kurt, skew
from .system import FACTORS, Result, evaluate, one_at_a_time, prepare
from .system import analyse as analyse_uncertainty
from .uncertainty import rank_statistics

ELEMENT_COLUMNS = {
    "laborers": "laborers_score",
    "instruments_of_labor": "instruments_score",
    "subjects_of_labor": "subjects_score",
}


def _nominal(engine_input: pd.DataFrame, systems: pd.DataFrame, every_weighting: bool = False):
    for system_id, (panel, settings) in panels(engine_input, systems).items():
        yield system_id, panel, settings, evaluate(panel, settings.nominal, every_weighting)


def _concat(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def values(engine_input: pd.DataFrame, systems: pd.DataFrame) -> pd.DataFrame:
    """Per system, indicator and index unit-year: the value, treated, imputed, normalised."""
    frames = []
    for system_id, panel, _, result in _nominal(engine_input, systems):
        treatment = np.column_stack([_value_labels(t) for t in result.treatments])
        frames.append(
            cells(
                system_id,
                panel,
                value=panel.values,
                treated_value=result.treated,
                treatment=treatment,
                is_imputed=result.imputed,
                prepared_value=result.prepared,
                normalised_value=result.normalised,
            )
        )
    return _concat(frames, ["system_id", "indicator_id", "geo_code", "year"])


def _value_labels(record) -> np.ndarray:
    """What treatment did to each value: ``none``, ``winsorised_high``, ``winsorised_low`` or ``logged``."""
    if record.log_transformed:
        return np.where(np.isnan(record.values), "none", "logged").astype(object)
    names = {"": "none", "winhi": "winsorised_high", "winlo": "winsorised_low"}
    return np.array([names[p] for p in record.points], dtype=object)


def treatment(engine_input: pd.DataFrame, systems: pd.DataFrame) -> pd.DataFrame:
    """Per system and indicator: skewness and kurtosis before and after, what was done, which points moved."""
    rows = []
    for system_id, panel, settings, result in _nominal(engine_input, systems):
        for j, indicator in enumerate(panel.indicators):
            record = result.treatments[j]
            after = record.values
            rows.append(
                {
                    "system_id": system_id,
                    "indicator_id": indicator,
                    "treatment_rule": "none" if settings.nominal.treatment is None else "coinr_default",
                    "method": record.method,
                    "n_observed": int(np.sum(~np.isnan(panel.values[:, j]))),  # before imputation
                    "skew_before": record.skew_before,
                    "kurt_before": record.kurt_before,
                    "passed_before": record.passed_before,
                    "points_winsorised": int(record.winsorised) if record.method == "winsorise" else 0,
                    "skew_after": skew(after),
                    "kurt_after": kurt(after),
                    "log_transformed": record.log_transformed,
                    "winsorised_high": _points(panel, j, record, "winhi"),
                    "winsorised_low": _points(panel, j, record, "winlo"),
                }
            )
    return pd.DataFrame(rows)


def _points(panel, j: int, record, label: str) -> str:
    """The winsorised points of one side, ``unit year: original -> treated``, in the order of their original values."""
    if record.method != "winsorise":
        return ""
    rows = np.flatnonzero(record.points == label)
    rows = rows[np.argsort(-panel.values[rows, j] if label == "winhi" else panel.values[rows, j], kind="stable")]
    return "; ".join(f"{panel.geo[r]} {panel.year[r]}: {panel.values[r, j]:.6g} -> {record.values[r]:.6g}" for r in rows)


def weights(engine_input: pd.DataFrame, systems: pd.DataFrame) -> pd.DataFrame:
    """Per system and indicator: the nominal weights, every method's weight over the system, entropy, and
    the effective importance (correlation ratio of the nominal index on the indicator)."""
    rows = []
    for system_id, panel, settings, result in _nominal(engine_input, systems, every_weighting=True):
        importance = np.array(
            [audit.correlation_ratio(result.normalised[:, j], result.index) for j in range(len(panel.indicators))]
        )
        share = importance / np.nansum(importance)
        divergence = 1 - result.entropy
        for j, indicator in enumerate(panel.indicators):
            rows.append(
                {
                    "system_id": system_id,
                    "indicator_id": indicator,
                    "weighting": settings.nominal.weighting,
                    "n_values": int(np.sum(~np.isnan(result.prepared[:, j]))),
                    "entropy": result.entropy[j],
                    "divergence": divergence[j],
                    "weight_in_element": result.weights_in_element[settings.nominal.weighting][j],
                    "weight_in_system": result.weights_in_system[settings.nominal.weighting][j],
                    **{f"{method}_weight": result.weights_in_system[method][j] for method in weighting.METHODS},
                    "correlation_ratio": importance[j],
                    "importance_share": share[j],
                }
            )
    return pd.DataFrame(rows)


def scores(engine_input: pd.DataFrame, systems: pd.DataFrame) -> pd.DataFrame:
    """Per system and index unit-year: the nominal index, element scores, TOPSIS and data availability."""
    frames = []
    for system_id, panel, _, result in _nominal(engine_input, systems):
        observed = ~np.isnan(panel.values)
        frames.append(
            unit_years(
                system_id,
                panel,
                nqpf_index=result.index,
                **{ELEMENT_COLUMNS[e]: result.element_scores[e] for e in panel.element_names},
                topsis_closeness=result.topsis,
                indicators_in_use=np.full(panel.geo.size, len(panel.indicators), dtype="int32"),
                indicators_with_value=observed.sum(axis=1).astype("int32"),
                indicators_imputed=result.imputed.sum(axis=1).astype("int32"),
                indicators_available=(~np.isnan(result.prepared)).sum(axis=1).astype("int32"),
            )
        )
    return _concat(frames, ["system_id", "geo_code", "year"])


def variants(engine_input: pd.DataFrame, systems: pd.DataFrame) -> pd.DataFrame:
    """Per system, unit-year and variant (the nominal choices, and each one changed alone): index and rank."""
    frames = []
    for system_id, (panel, settings) in panels(engine_input, systems).items():
        prepared = {}  # variants that share treatment and imputation share their prepared values
        for name, choices in one_at_a_time(settings.nominal, settings.alternatives).items():
            key = (choices.treatment, choices.imputation)
            prepared[key] = prepared.get(key) or prepare(panel, choices)
            result: Result = evaluate(panel, choices, every_weighting=False, prepared_data=prepared[key])
            factor, _, option = name.partition("=")
            frames.append(
                unit_years(
                    system_id,
                    panel,
                    variant=name,
                    factor=factor if option else "nominal",
                    nqpf_index=result.index,
                    rank=result.ranks.astype("int32"),
                )
            )
    return _concat(frames, ["system_id", "geo_code", "year", "variant"])


def uncertainty(engine_input: pd.DataFrame, systems: pd.DataFrame) -> pd.DataFrame:
    """Per system and index unit-year: the nominal rank, the rank's distribution over the Monte Carlo
    runs, and the share of its variance each choice explains (first-order and total indices)."""
    frames = []
    for system_id, (panel, settings) in panels(engine_input, systems).items():
        nominal = evaluate(panel, settings.nominal, every_weighting=False)
        analysis = analyse_uncertainty(panel, settings.alternatives, settings.runs, settings.seed)
        stats = rank_statistics(analysis.ranks)
        frames.append(
            unit_years(
                system_id,
                panel,
                nominal_rank=nominal.ranks.astype("int32"),
                mean_rank=stats.mean,
                median_rank=stats.median,
                rank_p05=stats.p05,
                rank_p95=stats.p95,
                rank_variance=stats.variance,
                runs=np.full(panel.geo.size, analysis.ranks.shape[1], dtype="int32"),
                **{f"first_order_{f}": analysis.first_order[f] for f in FACTORS},
                **{f"total_{f}": analysis.total[f] for f in FACTORS},
            )
        )
    return _concat(frames, ["system_id", "geo_code", "year"])


def audit_table(engine_input: pd.DataFrame, systems: pd.DataFrame) -> pd.DataFrame:
    """Per system, element and indicator (and one row per element): correlations with the element score
    and the index, Cronbach's alpha and the first principal component's share of variance."""
    rows = []
    for system_id, panel, _, result in _nominal(engine_input, systems):
        z = result.normalised
        for element in panel.element_names:
            members = np.flatnonzero(panel.elements == element)
            score = result.element_scores[element]
            _, share = audit.first_component(z[:, members])
            rows.append(
                {
                    "system_id": system_id,
                    "element": element,
                    "indicator_id": None,
                    "indicators": int(members.size),
                    "cronbach_alpha": audit.cronbach_alpha(z[:, members]),
                    "pc1_variance_share": share,
                    "pearson_with_element": np.nan,
                    "spearman_with_element": np.nan,
                    "pearson_with_index": audit.pearson(score, result.index),
                    "spearman_with_index": audit.spearman(score, result.index),
                }
            )
            for j in members:
                rows.append(
                    {
                        "system_id": system_id,
                        "element": element,
                        "indicator_id": panel.indicators[j],
                        "indicators": 1,
                        "cronbach_alpha": np.nan,
                        "pc1_variance_share": np.nan,
                        "pearson_with_element": audit.pearson(z[:, j], score),
                        "spearman_with_element": audit.spearman(z[:, j], score),
                        "pearson_with_index": audit.pearson(z[:, j], result.index),
                        "spearman_with_index": audit.spearman(z[:, j], result.index),
                    }
                )
    return pd.DataFrame(rows)


def indicators(engine_input: pd.DataFrame, systems: pd.DataFrame) -> pd.DataFrame:
    """Per system and indicator: its treatment record beside its weights (one model, one read of the panel)."""
    return treatment(engine_input, systems).merge(
        weights(engine_input, systems), on=["system_id", "indicator_id"], validate="1:1"
    )


def unit_year_results(engine_input: pd.DataFrame, systems: pd.DataFrame) -> pd.DataFrame:
    """Per system and index unit-year: the nominal scores beside the rank's uncertainty and sensitivity."""
    return scores(engine_input, systems).merge(
        uncertainty(engine_input, systems), on=["system_id", "geo_code", "year"], validate="1:1"
    )
