"""The tables the NQPF dbt Python models return, one function per model, for every system at once.

Each takes the engine input (``panels.EngineInput``, three DuckDB relations) and the systems
seed as a DataFrame (see ``panels``) and returns a table whose columns the model's schema
documents: an Arrow table where there is a row per cell or unit-year, a DataFrame for the small
per-indicator tables. A system's nominal result is computed once per dbt run and reused by the
models after the first (see ``nominal_results``); only ``unit_year_results`` runs the Monte Carlo, and
not at all for a system with ``uncertainty_runs`` 0.
"""

import threading

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from ..arrow_columns import labelled
from . import audit, weighting
from .panels import EngineInput, Settings, panels, unit_years
from .statistics import shape
from .system import FACTORS, Panel, Result, evaluate, one_at_a_time, pool, prepare
from .system import analyse as analyse_uncertainty
from .uncertainty import RankStatistics, rank_statistics

ELEMENT_COLUMNS = {
    "laborers": "laborers_score",
    "instruments_of_labor": "instruments_score",
    "subjects_of_labor": "subjects_score",
}


# The composite models read the same engine input in one dbt process: its panels are read and each
# system's nominal result computed once for the content of the input (a hash over every row of the
# cells' key and value and of the rows and columns, 0.2-0.4 s at 30M cells, against 1-3 s to read
# the panels and 8-10 s to evaluate them) and kept for the next model, which at tens of millions of
# cells saves reads and full evaluations. Two models may ask at once (int_nqpf__07_panel beside
# int_nqpf__08 in dbt's two threads): the lock lets one compute and the other wait for its result.
_evaluated: dict[tuple[str, ...], dict[str, tuple[Panel, Settings, Result]]] = {}
_evaluating = threading.Lock()


def nominal_results(engine: EngineInput, systems: pd.DataFrame):
    with _evaluating:
        key = (*(_content_key(relation) for relation in (engine.cell_values, engine.rows, engine.columns)), systems.to_csv())
        if key not in _evaluated:
            _evaluated.clear()
            _evaluated[key] = {
                system_id: (panel, settings, evaluate(panel, settings.nominal, every_weighting=True))
                for system_id, (panel, settings) in panels(engine, systems).items()
            }
        evaluated = _evaluated[key]
    for system_id, (panel, settings, result) in evaluated.items():
        yield system_id, panel, settings, result


def _content_key(relation: duckdb.DuckDBPyRelation) -> str:
    """Row count and the sum of every row's hash: equal for equal contents, in any row order."""
    row_hash = f"hash({', '.join(relation.columns)})"
    return str(relation.aggregate(f"count(*), sum({row_hash})").fetchall())


def _concat(frames: list[pa.Table], columns: list[str]) -> pa.Table | pd.DataFrame:
    return pa.concat_tables(frames) if frames else pd.DataFrame(columns=columns)


def _treatment_rows(system_id: str, panel, settings, result: Result) -> list[dict]:
    """Per indicator: skewness and kurtosis before and after, what was done, which points moved."""
    rows = []
    for j, indicator in enumerate(panel.indicators):
        record = result.treatments[j]
        skew_after, kurt_after = shape(record.values)
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
                "skew_after": skew_after,
                "kurt_after": kurt_after,
                "log_transformed": record.log_transformed,
                "winsorised_high": _points(panel, j, record, "winhi"),
                "winsorised_low": _points(panel, j, record, "winlo"),
            }
        )
    return rows


def _points(panel, j: int, record, label: str) -> str:
    """The winsorised points of one side, ``unit year: original -> treated``, in the order of their original values."""
    if record.method != "winsorise":
        return ""
    rows = np.flatnonzero(record.points == label)
    rows = rows[np.argsort(-panel.values[rows, j] if label == "winhi" else panel.values[rows, j], kind="stable")]
    return "; ".join(f"{panel.geo[r]} {panel.year[r]}: {panel.values[r, j]:.6g} -> {record.values[r]:.6g}" for r in rows)


def _weight_rows(system_id: str, panel, settings, result: Result) -> list[dict]:
    """Per indicator: the nominal weights, every method's weight over the system, entropy, and the
    effective importance (correlation ratio of the nominal index on the indicator)."""
    rows = []
    ratios = pool().map(lambda j: audit.correlation_ratio(result.normalised[:, j], result.index), range(len(panel.indicators)))
    importance = np.array(list(ratios))
    share = importance / np.nansum(importance)
    divergence = 1 - result.entropy
    for j, indicator in enumerate(panel.indicators):
        rows.append(
            {
                "system_id": system_id,
                "indicator_id": indicator,
                "weighting": settings.nominal.weighting,
                "n_values": int(np.sum(~np.isnan(result.prepared[:, j]))),
                "min_value": _extreme(np.fmin, result.prepared[:, j]),
                "max_value": _extreme(np.fmax, result.prepared[:, j]),
                "entropy": result.entropy[j],
                "divergence": divergence[j],
                "weight_in_element": result.weights_in_element[settings.nominal.weighting][j],
                "weight_in_system": result.weights_in_system[settings.nominal.weighting][j],
                **{f"{method}_weight": result.weights_in_system[method][j] for method in weighting.METHODS},
                "correlation_ratio": importance[j],
                "importance_share": share[j],
            }
        )
    return rows


def _extreme(function, values: np.ndarray) -> float:
    """``function`` (``np.fmin`` or ``np.fmax``) over the values present; NaN (null) when there are
    none, as in SQL. One pass: these skip NaN themselves, without a copy of the values present."""
    return float(function.reduce(values)) if values.size else np.nan


def _score_columns(panel, result: Result) -> dict[str, np.ndarray]:
    observed = ~np.isnan(panel.values)
    return {
        "nqpf_index": result.index,
        **{column: result.element_scores[e] for e, column in ELEMENT_COLUMNS.items()},  # one order for every system
        "topsis_closeness": result.topsis,
        "indicators_in_use": np.full(panel.geo.size, len(panel.indicators), dtype="int32"),
        "indicators_with_value": observed.sum(axis=1).astype("int32"),
        "indicators_imputed": result.imputed.sum(axis=1).astype("int32"),
        "indicators_available": (~np.isnan(result.prepared)).sum(axis=1).astype("int32"),
        **_element_counts(panel, result),
    }


def _element_counts(panel, result: Result) -> dict[str, np.ndarray]:
    """Per element (columns named as its score's, e.g. ``laborers_available``): indicators in use
    and indicators with a value after imputation."""
    counts = {}
    for element, score_column in ELEMENT_COLUMNS.items():
        members = panel.elements == element
        prefix = score_column.removesuffix("_score")
        counts[f"{prefix}_in_element"] = np.full(panel.geo.size, members.sum(), dtype="int32")
        counts[f"{prefix}_available"] = (~np.isnan(result.prepared[:, members])).sum(axis=1).astype("int32")
    return counts


def variants(engine: EngineInput, systems: pd.DataFrame) -> pa.Table | pd.DataFrame:
    """Per system, unit-year and variant (the nominal choices, and each one changed alone): index and rank."""
    frames = []
    for system_id, panel, settings, nominal in nominal_results(engine, systems):
        # variants that share treatment and imputation share their prepared values (the nominal's are known)
        nominal_key = (settings.nominal.treatment, settings.nominal.imputation)
        prepared = {nominal_key: (nominal.treatments, nominal.treated, nominal.imputed, nominal.prepared)}
        for name, choices in one_at_a_time(settings.nominal, settings.alternatives).items():
            key = (choices.treatment, choices.imputation)
            prepared[key] = prepared.get(key) or prepare(panel, choices)
            result = (
                nominal if name == "nominal" else evaluate(panel, choices, every_weighting=False, prepared_data=prepared[key])
            )
            factor, _, option = name.partition("=")
            frames.append(
                unit_years(
                    system_id,
                    panel,
                    variant=labelled((name,), np.zeros(panel.geo.size)),
                    factor=labelled((factor if option else "nominal",), np.zeros(panel.geo.size)),
                    nqpf_index=result.index,
                    rank=result.ranks.astype("int32"),
                )
            )
    return _concat(frames, ["system_id", "geo_code", "year", "variant"])


def _uncertainty_columns(panel, settings, nominal: Result) -> dict[str, np.ndarray]:
    """The rank statistics and sensitivity indices; all null (and ``runs`` 0) for a system with no Monte Carlo."""
    rows = panel.geo.size
    if settings.runs == 0:
        nothing = np.full(rows, np.nan)
        stats, first, total, runs = (
            RankStatistics(*[nothing] * 5),
            dict.fromkeys(FACTORS, nothing),
            dict.fromkeys(FACTORS, nothing),
            0,
        )
    else:
        analysis = analyse_uncertainty(panel, settings.alternatives, settings.runs, settings.seed)
        stats, first, total, runs = rank_statistics(analysis.ranks), analysis.first_order, analysis.total, analysis.ranks.shape[1]
    return {
        "nominal_rank": nominal.ranks.astype("int32"),
        "mean_rank": stats.mean,
        "median_rank": stats.median,
        "rank_p05": stats.p05,
        "rank_p95": stats.p95,
        "rank_variance": stats.variance,
        "runs": np.full(rows, runs, dtype="int32"),
        **{f"first_order_{f}": first[f] for f in FACTORS},
        **{f"total_{f}": total[f] for f in FACTORS},
    }


def audit_table(engine: EngineInput, systems: pd.DataFrame) -> pd.DataFrame:
    """Per system, element and indicator (and one row per element): correlations with the element score
    and the index, Cronbach's alpha and the first principal component's share of variance."""
    rows = []
    for system_id, panel, _, result in nominal_results(engine, systems):
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


def indicators(engine: EngineInput, systems: pd.DataFrame) -> pd.DataFrame:
    """Per system and indicator: its treatment record beside its weights (one nominal evaluation per system)."""
    frames = []
    for system_id, panel, settings, result in nominal_results(engine, systems):
        treated = pd.DataFrame(_treatment_rows(system_id, panel, settings, result))
        weighted = pd.DataFrame(_weight_rows(system_id, panel, settings, result))
        frames.append(treated.merge(weighted, on=["system_id", "indicator_id"], validate="1:1"))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["system_id", "indicator_id"])


def unit_year_results(engine: EngineInput, systems: pd.DataFrame) -> pa.Table | pd.DataFrame:
    """Per system and index unit-year: the nominal scores beside the rank's uncertainty and sensitivity
    (one nominal evaluation per system serves both)."""
    frames = []
    for system_id, panel, settings, result in nominal_results(engine, systems):
        columns = _score_columns(panel, result) | _uncertainty_columns(panel, settings, result)
        frames.append(unit_years(system_id, panel, **columns))
    return _concat(frames, ["system_id", "geo_code", "year"])
