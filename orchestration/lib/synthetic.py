"""A synthetic indicator system of any size, for the scale benchmark and its tests.

``generate`` writes, into one folder, the five Parquet files the dbt source ``synthetic`` reads
on the ``synthetic`` target (dbt_project/models/staging/synthetic): the observations and units in
the columns of ``int_observations`` and ``int_geographies``, and one system with its indicators
and transforms in the columns of the indicator-system seeds (typed from seeds/_seeds.yml). The
same panel, treatment, weight, score, index, TOPSIS, coupling and disparity models then run on it.

The values are what the models meet in real tables, at any size and reproducibly (seeded):
- each unit has a level of development and belongs to a region with its own level, and every
  indicator reads the development with its own loading, trend and noise, so indicators
  correlate as real ones do and regions differ; half are log-normal (amounts), half normal;
- a share of the values is missing at random (the row is absent, as in a published table);
- a share are outliers, 10 to 100 times the value, so the outlier treatment has work to do;
- one indicator in five is "less is better" (direction ``-``), as energy or CO2 intensity.
"""

from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from .settings import DBT_PROJECT_DIR

SYSTEM_ID = "synthetic"
GEOGRAPHY = "synthetic"
ELEMENTS = ("laborers", "instruments_of_labor", "subjects_of_labor")


@dataclass(frozen=True)
class Shape:
    units: int
    years: int
    indicators: int
    missing_share: float = 0.05
    outlier_share: float = 0.001
    regions: int = 8
    first_year: int = 2001
    seed: int = 20261201

    @property
    def cells(self) -> int:
        """Units x years x indicators: the observations before missing values are taken out."""
        return self.units * self.years * self.indicators

    def __post_init__(self):
        if self.indicators < len(ELEMENTS):
            raise ValueError(f"a system needs at least one indicator per element ({len(ELEMENTS)}), not {self.indicators}")
        if not (0 <= self.missing_share < 1 and 0 <= self.outlier_share < 1):
            raise ValueError("missing_share and outlier_share are shares in [0, 1)")
        if self.units < 2 or self.years < 1 or self.regions < 1:
            raise ValueError("a system needs at least two units, one year and one region")


def generate(directory: Path, shape: Shape) -> dict[str, int]:
    """Write the synthetic system of ``shape`` into ``directory``; returns the row count of each file."""
    directory.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(shape.seed)
    units = _units(shape, rng)
    tables = {
        "units": pa.Table.from_pandas(units, preserve_index=False),
        "observations": _observations(shape, units, rng),
        "nqpf_systems": _seed_table("nqpf_systems", [_system(shape)]),
        "nqpf_indicators": _seed_table("nqpf_indicators", _indicators(shape)),
        "nqpf_transforms": _seed_table("nqpf_transforms", [_transform()]),
    }
    for name, table in tables.items():
        pq.write_table(table, directory / f"{name}.parquet")
    (directory / "shape.yml").write_text(yaml.safe_dump(asdict(shape), sort_keys=False))
    return {name: table.num_rows for name, table in tables.items()}


def geo_codes(units: int) -> np.ndarray:
    width = len(str(units - 1))
    return np.array([f"U{i:0{width}d}" for i in range(units)], dtype=object)


def indicator_ids(indicators: int) -> list[str]:
    return [f"syn_{j:03d}" for j in range(indicators)]


def _units(shape: Shape, rng: np.random.Generator) -> pd.DataFrame:
    region = rng.integers(0, shape.regions, shape.units)
    return pd.DataFrame(
        {
            "geo_code": geo_codes(shape.units),
            "geo_name": [f"Unit {i}" for i in range(shape.units)],
            "geography": GEOGRAPHY,
            "region": [f"Region {r + 1}" for r in region],
            "region_scheme": "synthetic regions",
            "income_group": None,
        }
    ).astype({"income_group": "string"})


def _observations(shape: Shape, units: pd.DataFrame, rng: np.random.Generator) -> pa.Table:
    """Every unit x year x indicator, less the missing ones; built indicator by indicator to keep memory flat."""
    region_code = pd.factorize(units["region"])[0]
    development = rng.normal(0, 1, shape.units) + rng.normal(0, 0.7, shape.regions)[region_code]
    years = np.arange(shape.years)
    codes = indicator_ids(shape.indicators)
    batches = []
    for j, code in enumerate(codes):
        loading, trend, scale = rng.uniform(0.4, 1.0), rng.uniform(0.0, 0.06), 10 ** rng.uniform(-1, 3)
        level = loading * development[:, None] + trend * years[None, :] + rng.normal(0, 0.5, (shape.units, shape.years))
        level = level if j % 5 else -level  # direction "-": higher development, lower value
        # half the indicators are log-normal (amounts: skewed), half normal (shares, rates)
        value = scale * (np.exp(level) if j % 2 else np.maximum(4 + level, 0.01))
        outliers = rng.random(value.shape) < shape.outlier_share
        value[outliers] *= rng.uniform(10, 100, outliers.sum())
        kept = np.flatnonzero(rng.random(value.size) >= shape.missing_share)  # row-major: unit, then year
        unit, year = np.divmod(kept, shape.years)
        batches.append(
            pa.table(
                {
                    "source": pa.array(np.full(kept.size, "synthetic", dtype=object), pa.string()),
                    "indicator_code": pa.array(np.full(kept.size, code, dtype=object), pa.string()),
                    "source_code": _decoded(units["geo_code"].to_numpy(), unit),
                    "geo_code": _decoded(units["geo_code"].to_numpy(), unit),
                    "year": pa.array((shape.first_year + year).astype(np.int32)),
                    "value": pa.array(value.reshape(-1)[kept]),
                    "source_file": pa.array(np.full(kept.size, "observations.parquet", dtype=object), pa.string()),
                    "source_line": pa.array(kept.astype(np.int64) + j * value.size + 1),
                    "geo_status": pa.array(np.full(kept.size, "in_scope", dtype=object), pa.string()),
                }
            )
        )
    return pa.concat_tables(batches)


def _decoded(labels: np.ndarray, codes: np.ndarray) -> pa.Array:
    return pa.DictionaryArray.from_arrays(pa.array(codes, pa.int32()), pa.array(labels, pa.string())).dictionary_decode()


def _system(shape: Shape) -> dict:
    """The real systems' rules (coverage, COINr treatment, group-median imputation, min-max), with
    entropy weights (the literature's usual choice), no gap filling, and no Monte Carlo (runs 0)."""
    return {
        "system_id": SYSTEM_ID,
        "title": "Synthetic indicator system",
        "geography": GEOGRAPHY,
        "window_start": shape.first_year,
        "window_end": str(shape.first_year + shape.years - 1),
        "min_share_per_element": 0.6,
        "max_gap_years": 0,
        "max_extrapolation_years": 0,
        "normalisation_shift": 0.0001,
        "auto_end_min_share": 0.8,
        "min_geos_per_year": 1,
        "min_data_share": 0.667,
        "treatment": "coinr_default",
        "treatment_skew_threshold": 2.0,
        "treatment_kurt_threshold": 3.5,
        "treatment_winmax": 5,
        "imputation": "group_median",
        "imputation_group": "region",
        "normalisation": "minmax",
        "weighting": "entropy",
        "aggregation": "arithmetic",
        "uncertainty_runs": 0,
        "uncertainty_seed": shape.seed,
        "weight_noise": 0.25,
        "method_notes": "Generated by orchestration/lib/synthetic.py.",
        "description": f"{shape.units} units x {shape.years} years x {shape.indicators} indicators, generated",
    }


def _indicators(shape: Shape) -> list[dict]:
    return [
        {
            "system_id": SYSTEM_ID,
            "indicator_id": indicator,
            "source": "synthetic",
            "indicator_code": indicator,
            "element": ELEMENTS[j % len(ELEMENTS)],
            "sub_dimension": "synthetic",
            "direction": "+" if j % 5 else "-",
            "transform": "as_is",
            "unit": "units",
            "valid_min": 0.0,
            "valid_max": None,
            "description": f"Synthetic indicator {j}",
            "citation": "orchestration/lib/synthetic.py",
        }
        for j, indicator in enumerate(indicator_ids(shape.indicators))
    ]


def _transform() -> dict:
    return {
        "geography": GEOGRAPHY,
        "transform": "as_is",
        "operation": "identity",
        "denominator_source": None,
        "denominator_code": None,
        "multiplier": 1.0,
        "description": "The generated value",
    }


SEED_TYPES = {"varchar": pa.string(), "integer": pa.int32(), "double": pa.float64()}


def _seed_table(seed: str, rows: list[dict]) -> pa.Table:
    """Rows in the seed's columns and types, as seeds/_seeds.yml declares them."""
    declared = yaml.safe_load((DBT_PROJECT_DIR / "seeds" / "_seeds.yml").read_text())
    (config,) = [s["config"]["column_types"] for s in declared["seeds"] if s["name"] == seed]
    if set(rows[0]) != set(config):
        raise ValueError(f"the synthetic {seed} has columns {sorted(rows[0])}, the seed {sorted(config)}")
    schema = pa.schema([(name, SEED_TYPES[kind]) for name, kind in config.items()])
    return pa.Table.from_pylist(rows, schema=schema)
