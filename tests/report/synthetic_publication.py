"""A small publication folder with the published schemas, for tests that must run without a real one.

Values are random (seeded) but consistent the way the pipeline's are: ranks follow the index, element scores
of mart_nqpf_element_scores are those of mart_nqpf_index, Dagum and Theil parts add up, growth
contributions add up to output growth. The report must show exactly these numbers.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

ARROW_TYPES = {"varchar": pa.string(), "integer": pa.int32(), "bigint": pa.int64(), "double": pa.float64(), "boolean": pa.bool_()}

# Column names and DuckDB types as publication 20261123T223237Z_5fd88d15 lists them in its manifest.
# fmt: off
SCHEMAS: dict[str, dict[str, str]] = {
    "dim_geographies": {
        "geo_code": "varchar", "geo_name": "varchar", "geography": "varchar", "region": "varchar", "region_scheme": "varchar", "income_group": "varchar",
    },
    "mart_china_capital_stock": {
        "province_code": "varchar", "province_name": "varchar", "province_name_zh": "varchar", "nbs_region": "varchar", "year": "integer",
        "investment": "double", "price_index_rebased": "double", "real_investment": "double", "capital_stock": "double", "start_year": "integer",
        "base_year": "integer", "depreciation_rate": "double",
    },
    "mart_nqpf_index": {
        "system_id": "varchar", "geo_code": "varchar", "geo_name": "varchar", "year": "integer", "nqpf_index": "double", "nqpf_rank": "integer",
        "nqpf_index_growth": "double", "topsis_closeness": "double", "topsis_rank": "integer", "laborers_score": "double", "instruments_score": "double",
        "subjects_score": "double", "coupling_degree": "double", "coordination_index": "double", "coupling_coordination": "double",
        "coordination_class": "varchar", "coordination_class_zh": "varchar", "indicators_available": "integer",
    },
    "mart_nqpf_element_scores": {
        "system_id": "varchar", "geo_code": "varchar", "year": "integer", "element": "varchar", "score": "double", "rank_in_year": "integer",
        "indicators_available": "integer", "indicators_in_element": "integer",
    },
    "mart_nqpf_disparities": {
        "system_id": "varchar", "year": "integer", "measure": "varchar", "units": "integer", "regions": "integer", "mean": "double", "gini": "double",
        "gini_within": "double", "gini_between": "double", "gini_transvariation": "double", "theil": "double", "theil_within": "double",
        "theil_between": "double", "coefficient_of_variation": "double",
    },
    "mart_nqpf_indicator_weights": {
        "system_id": "varchar", "indicator_id": "varchar", "element": "varchar", "sub_dimension": "varchar", "source": "varchar",
        "indicator_code": "varchar", "direction": "varchar", "transform": "varchar", "unit": "varchar", "description": "varchar",
        "citation": "varchar", "status": "varchar", "observed_values": "bigint", "n_values": "bigint", "min_value": "double", "max_value": "double",
        "entropy": "double", "divergence": "double", "weight_in_element": "double", "weight_in_system": "double",
    },
    "mart_tfp_growth_accounting": {
        "economy_code": "varchar", "economy_name": "varchar", "year": "integer", "labour_basis": "varchar", "labour_share_avg": "double",
        "output_growth": "double", "capital_growth": "double", "labour_quantity_growth": "double", "human_capital_growth": "double",
        "capital_contribution": "double", "labour_contribution": "double", "labour_quantity_contribution": "double",
        "human_capital_contribution": "double", "tfp_growth": "double", "labour_productivity_growth": "double",
        "capital_deepening_contribution": "double", "pwt_tfp_growth": "double",
    },
    "mart_tfp_levels": {
        "economy_code": "varchar", "economy_name": "varchar", "year": "integer", "base_year": "integer", "labour_basis": "varchar",
        "tfp_growth": "double", "tfp_index": "double", "pwt_tfp_index": "double", "tfp_growth_avg_5y": "double", "tfp_growth_avg_10y": "double",
        "output_growth_avg_5y": "double", "output_growth_avg_10y": "double", "tfp_share_of_output_growth_5y": "double",
        "tfp_share_of_output_growth_10y": "double",
    },
    "mart_nqpf_tfp": {
        "system_id": "varchar", "economy_code": "varchar", "economy_name": "varchar", "year": "integer", "nqpf_index": "double", "nqpf_rank": "integer",
        "laborers_score": "double", "instruments_score": "double", "subjects_score": "double", "coupling_coordination": "double",
        "tfp_growth": "double", "labour_productivity_growth": "double", "tfp_labour_basis": "varchar", "tfp_index": "double",
        "tfp_growth_avg_5y": "double", "tfp_share_of_output_growth_5y": "double",
    },
}
# Not published yet: the schema the report supports once the pipeline publishes rank uncertainty.
UNCERTAINTY_SCHEMA = {
    "system_id": "varchar", "geo_code": "varchar", "year": "integer", "nominal_rank": "integer", "median_rank": "double",
    "rank_p05": "double", "rank_p95": "double",
}

ECONOMIES = [  # code, name, World Bank region
    ("CHN", "China", "East Asia & Pacific"), ("USA", "United States", "North America"), ("DEU", "Germany", "Europe & Central Asia"),
    ("JPN", "Japan", "East Asia & Pacific"), ("KOR", "Korea, Rep.", "East Asia & Pacific"), ("IND", "India", "South Asia"),
    ("BRA", "Brazil", "Latin America & Caribbean"), ("NGA", "Nigeria", "Sub-Saharan Africa"), ("FRA", "France", "Europe & Central Asia"),
    ("SGP", "Singapore", "East Asia & Pacific"), ("EGY", "Egypt, Arab Rep.", "Middle East & North Africa"), ("CAN", "Canada", "North America"),
]
PROVINCES = [  # GB/T 2260 code, English, Chinese, NBS region
    ("110000", "Beijing", "北京", "east"), ("310000", "Shanghai", "上海", "east"), ("440000", "Guangdong", "广东", "east"),
    ("340000", "Anhui", "安徽", "central"), ("420000", "Hubei", "湖北", "central"), ("510000", "Sichuan", "四川", "west"),
    ("620000", "Gansu", "甘肃", "west"), ("230000", "Heilongjiang", "黑龙江", "northeast"), ("150000", "Inner Mongolia", "内蒙古", "west"),
]
SYSTEMS = {
    "cross_country": {"title": "NQPF cross-country (synthetic)", "geography": "economies", "years": range(2015, 2021)},
    "china_provinces": {"title": "NQPF China provincial (synthetic)", "geography": "provinces", "years": range(2016, 2021)},
}
COORDINATION_CLASSES = [  # upper bound of D, class, Chinese name
    (0.1, "extreme disorder", "极度失调"), (0.2, "serious disorder", "严重失调"), (0.3, "moderate disorder", "中度失调"),
    (0.4, "mild disorder", "轻度失调"), (0.5, "on the verge of disorder", "濒临失调"), (0.6, "barely coordinated", "勉强协调"),
    (0.7, "primary coordination", "初级协调"), (0.8, "intermediate coordination", "中级协调"), (0.9, "good coordination", "良好协调"),
    (1.01, "quality coordination", "优质协调"),
]
ELEMENTS = {"laborers": "laborers_score", "instruments_of_labor": "instruments_score", "subjects_of_labor": "subjects_score"}
# fmt: on
TFP_YEARS = range(2008, 2020)
VERSION = "20991231T000000Z_synthetic"


def write_synthetic_publication(directory: Path, with_uncertainty: bool = True, seed: int = 20261123) -> Path:
    """Write ``manifest.json`` and ``parquet/*.parquet`` into ``directory`` and return it."""
    rng = np.random.default_rng(seed)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "parquet").mkdir(exist_ok=True)
    tables = _tables(rng)
    if with_uncertainty:
        tables["mart_nqpf_uncertainty"] = _uncertainty(tables["mart_nqpf_index"], rng)
    manifest_tables = {}
    for name, frame in tables.items():
        schema = SCHEMAS.get(name, UNCERTAINTY_SCHEMA)
        arrow = pa.Table.from_pandas(
            frame[list(schema)], schema=pa.schema([(c, ARROW_TYPES[t]) for c, t in schema.items()]), preserve_index=False
        )
        pq.write_table(arrow, directory / "parquet" / f"{name}.parquet")
        if name != "mart_nqpf_uncertainty":  # as today: the pipeline does not list it yet
            manifest_tables[name] = {
                "rows": len(frame),
                "description": f"synthetic {name}",
                "files": {"parquet": {"path": f"parquet/{name}.parquet", "sha256": "0" * 64}},
                "columns": {column: {"data_type": dtype, "description": ""} for column, dtype in schema.items()},
            }
    (directory / "manifest.json").write_text(
        json.dumps(_manifest(manifest_tables), ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return directory


def _tables(rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    geographies = pd.DataFrame(
        [(c, n, "economies", r, "World Bank regions", "High income") for c, n, r in ECONOMIES]
        + [(c, n, "provinces", r, "NBS four regions", None) for c, n, _, r in PROVINCES],
        columns=list(SCHEMAS["dim_geographies"]),
    )
    index = pd.concat([_index(system_id, spec, geographies, rng) for system_id, spec in SYSTEMS.items()], ignore_index=True)
    accounting = _growth_accounting(rng)
    levels = _tfp_levels(accounting)
    return {
        "dim_geographies": geographies,
        "mart_china_capital_stock": _capital_stock(rng),
        "mart_nqpf_index": index,
        "mart_nqpf_element_scores": _element_scores(index),
        "mart_nqpf_disparities": _disparities(index, rng),
        "mart_nqpf_indicator_weights": _weights(),
        "mart_tfp_growth_accounting": accounting,
        "mart_tfp_levels": levels,
        "mart_nqpf_tfp": _nqpf_tfp(index, accounting, levels),
    }


def _index(system_id: str, spec: dict, geographies: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    units = geographies[geographies["geography"] == spec["geography"]]
    rows = []
    for year in spec["years"]:
        for code, name in zip(units["geo_code"], units["geo_name"], strict=True):
            if code == "EGY" and year == max(spec["years"]):
                continue  # a unit that drops out of the index in the last year
            scores = rng.uniform(0.05, 0.95, size=3)
            coordination = float(np.mean(scores))
            coupling = float(np.prod(scores) ** (1 / 3) / coordination)
            d = float(np.sqrt(coupling * coordination))
            upper, klass, klass_zh = next(c for c in COORDINATION_CLASSES if d < c[0])
            rows.append(
                {
                    "system_id": system_id,
                    "geo_code": code,
                    "geo_name": name,
                    "year": year,
                    "nqpf_index": float(rng.uniform(0.05, 0.9)),
                    "topsis_closeness": float(rng.uniform(0.05, 0.9)),
                    "laborers_score": scores[0],
                    "instruments_score": scores[1],
                    "subjects_score": scores[2],
                    "coupling_degree": coupling,
                    "coordination_index": coordination,
                    "coupling_coordination": d,
                    "coordination_class": klass,
                    "coordination_class_zh": klass_zh,
                    "indicators_available": 12,
                }
            )
    frame = pd.DataFrame(rows)
    frame["nqpf_rank"] = frame.groupby("year")["nqpf_index"].rank(ascending=False, method="min").astype(int)
    frame["topsis_rank"] = frame.groupby("year")["topsis_closeness"].rank(ascending=False, method="min").astype(int)
    frame = frame.sort_values(["geo_code", "year"])
    frame["nqpf_index_growth"] = frame.groupby("geo_code")["nqpf_index"].pct_change(fill_method=None)
    return frame.reset_index(drop=True)


def _element_scores(index: pd.DataFrame) -> pd.DataFrame:
    parts = []
    for element, column in ELEMENTS.items():
        part = index[["system_id", "geo_code", "year", column]].rename(columns={column: "score"}).assign(element=element)
        part["rank_in_year"] = part.groupby(["system_id", "year"])["score"].rank(ascending=False, method="min").astype(int)
        parts.append(part.assign(indicators_available=4, indicators_in_element=4))
    return pd.concat(parts, ignore_index=True)


def _disparities(index: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for (system_id, year), group in index.groupby(["system_id", "year"]):
        for measure in ["nqpf_index", "laborers_score", "instruments_score", "subjects_score"]:
            within, between, trans = rng.uniform(0.01, 0.15, size=3)
            theil_within, theil_between = rng.uniform(0.01, 0.1, size=2)
            rows.append(
                {
                    "system_id": system_id,
                    "year": year,
                    "measure": measure,
                    "units": len(group),
                    "regions": 4,
                    "mean": float(group[measure].mean()),
                    "gini": within + between + trans,
                    "gini_within": within,
                    "gini_between": between,
                    "gini_transvariation": trans,
                    "theil": theil_within + theil_between,
                    "theil_within": theil_within,
                    "theil_between": theil_between,
                    "coefficient_of_variation": float(rng.uniform(0.2, 0.7)),
                }
            )
    return pd.DataFrame(rows)


def _weights() -> pd.DataFrame:
    rows = []
    for system_id in SYSTEMS:
        for element in ELEMENTS:
            for number in (1, 2):
                rows.append(
                    {
                        "system_id": system_id,
                        "indicator_id": f"{element}_{number}",
                        "element": element,
                        "sub_dimension": "synthetic",
                        "source": "synthetic",
                        "indicator_code": f"S.{number}",
                        "direction": "+",
                        "transform": "as_is",
                        "unit": "%",
                        "description": f"Indicator {number} of {element}（合成）",
                        "citation": "none",
                        "status": "in use",
                        "observed_values": 40,
                        "n_values": 40,
                        "min_value": 0.0,
                        "max_value": 1.0,
                        "entropy": 0.9,
                        "divergence": 0.1,
                        "weight_in_element": 0.5,
                        "weight_in_system": 1 / 6,
                    }
                )
    return pd.DataFrame(rows)


def _growth_accounting(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for code, name, _ in ECONOMIES:
        if code == "SGP":
            continue  # an economy PWT would not cover
        for year in TFP_YEARS:
            share = float(rng.uniform(0.4, 0.7))
            capital, hours, human = rng.normal(0.04, 0.02), rng.normal(0.01, 0.01), rng.normal(0.008, 0.004)
            tfp = float(rng.normal(0.005, 0.02))
            contributions = {
                "capital_contribution": (1 - share) * capital,
                "labour_quantity_contribution": share * hours,
                "human_capital_contribution": share * human,
            }
            output = sum(contributions.values()) + tfp
            rows.append(
                {
                    "economy_code": code,
                    "economy_name": name,
                    "year": year,
                    "labour_basis": "hours",
                    "labour_share_avg": share,
                    "output_growth": output,
                    "capital_growth": capital,
                    "labour_quantity_growth": hours,
                    "human_capital_growth": human,
                    **contributions,
                    "labour_contribution": contributions["labour_quantity_contribution"]
                    + contributions["human_capital_contribution"],
                    "tfp_growth": tfp,
                    "labour_productivity_growth": output - hours,
                    "capital_deepening_contribution": (1 - share) * (capital - hours),
                    "pwt_tfp_growth": tfp + 0.0001,
                }
            )
    return pd.DataFrame(rows)


def _tfp_levels(accounting: pd.DataFrame) -> pd.DataFrame:
    frame = (
        accounting[["economy_code", "economy_name", "year", "labour_basis", "tfp_growth", "output_growth"]]
        .sort_values(["economy_code", "year"])
        .copy()
    )
    frame["base_year"] = 2017
    cumulated = frame.groupby("economy_code")["tfp_growth"].cumsum()
    at_base = cumulated.where(frame["year"] == 2017).groupby(frame["economy_code"]).transform("max")
    frame["tfp_index"] = np.exp(cumulated - at_base)
    frame.loc[(frame["economy_code"] == "NGA") & (frame["year"] < 2012), "tfp_index"] = np.nan  # a broken chain
    frame["pwt_tfp_index"] = frame["tfp_index"]
    for window in (5, 10):
        rolling = (
            frame.groupby("economy_code")[["tfp_growth", "output_growth"]].rolling(window).mean().reset_index(level=0, drop=True)
        )
        frame[f"tfp_growth_avg_{window}y"] = rolling["tfp_growth"]
        frame[f"output_growth_avg_{window}y"] = rolling["output_growth"]
        frame[f"tfp_share_of_output_growth_{window}y"] = rolling["tfp_growth"] / rolling["output_growth"]
    return frame.drop(columns="output_growth").reset_index(drop=True)


def _nqpf_tfp(index: pd.DataFrame, accounting: pd.DataFrame, levels: pd.DataFrame) -> pd.DataFrame:
    nqpf = index[index["system_id"] == "cross_country"].rename(columns={"geo_code": "economy_code", "geo_name": "economy_name"})
    tfp = accounting[["economy_code", "year", "tfp_growth", "labour_productivity_growth", "labour_basis"]].rename(
        columns={"labour_basis": "tfp_labour_basis"}
    )
    merged = nqpf.merge(tfp, on=["economy_code", "year"], how="left")
    merged = merged.merge(
        levels[["economy_code", "year", "tfp_index", "tfp_growth_avg_5y", "tfp_share_of_output_growth_5y"]],
        on=["economy_code", "year"],
        how="left",
    )
    return merged


def _capital_stock(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for code, name, name_zh, region in PROVINCES:
        for year in range(2015, 2021):
            rows.append(
                {
                    "province_code": code,
                    "province_name": name,
                    "province_name_zh": name_zh,
                    "nbs_region": region,
                    "year": year,
                    "investment": float(rng.uniform(1000, 5000)),
                    "price_index_rebased": 5.0,
                    "real_investment": 400.0,
                    "capital_stock": float(rng.uniform(5000, 50000)),
                    "start_year": 1952,
                    "base_year": 1952,
                    "depreciation_rate": 0.096,
                }
            )
    return pd.DataFrame(rows)


def _uncertainty(index: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    frame = index[["system_id", "geo_code", "year", "nqpf_rank"]].rename(columns={"nqpf_rank": "nominal_rank"}).copy()
    spread = rng.uniform(0, 3, size=len(frame))
    frame["median_rank"] = np.maximum(1.0, frame["nominal_rank"] + rng.choice([-0.5, 0.0, 0.5], size=len(frame)))
    frame["rank_p05"] = np.maximum(1.0, frame["median_rank"] - spread).round()
    frame["rank_p95"] = (frame["median_rank"] + spread).round() + 1
    return frame.reset_index(drop=True)


def _manifest(tables: dict) -> dict:
    return {
        "version": VERSION,
        "published_at": "2099-12-31T00:00:00+00:00",
        "run_id": "00000000-0000-0000-0000-000000000000",
        "git": {"commit": "0123456789abcdef0123456789abcdef01234567", "dirty": True},
        "data_source": {"mode": "synthetic", "setting": "test", "mirror": None},
        "sources": [
            {
                "source": "pwt",
                "origin": "synthetic/pwt1001.csv",
                "retrieved_at": "2099-12-30T01:00:00+00:00",
                "bytes": 10,
                "sha256": "a" * 64,
                "snapshot": "",
                "rows": 120,
                "detail": "",
            },
            {
                "source": "china_techme",
                "origin": "synthetic/研发经费.csv",
                "retrieved_at": "2099-12-30T02:00:00+00:00",
                "bytes": 10,
                "sha256": "b" * 64,
                "snapshot": "",
                "rows": 45,
                "detail": "3 cells with no data ('..' or empty) left out",
            },
            {
                "source": "china_techme",
                "origin": "synthetic/专利.csv",
                "retrieved_at": "2099-12-30T02:05:00+00:00",
                "bytes": 10,
                "sha256": "c" * 64,
                "snapshot": "",
                "rows": 40,
                "detail": "",
            },
        ],
        "indicator_systems": {
            system_id: {
                "system_id": system_id,
                "title": spec["title"],
                "geography": spec["geography"],
                "description": f"Synthetic {spec['geography']} system for tests",
            }
            for system_id, spec in SYSTEMS.items()
        },
        "checks": [
            {
                "asset": "mart_nqpf_index",
                "check": "not_null",
                "passed": True,
                "run_id": "r",
                "evaluated_at": "2099-12-31T00:00:00+00:00",
                "problem": None,
            }
        ],
        "tables": tables,
    }
