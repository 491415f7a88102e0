"""The synthetic indicator system: its generator, and the real models on the `synthetic` dbt target
against the independent pandas peer (the baseline of `make bench-scale`)."""

import dataclasses
import os
import subprocess

import duckdb
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
import yaml

from orchestration.lib import synthetic
from orchestration.lib.settings import DBT_PROJECT_DIR
from orchestration.tools import bench_scale, pandas_peer

SMALL = synthetic.Shape(units=150, years=6, indicators=9, missing_share=0.08, outlier_share=0.004, regions=4, seed=7)


def test_the_generator_is_seeded_and_writes_the_shape_it_is_given(tmp_path):
    counts = synthetic.generate(tmp_path / "a", SMALL)
    synthetic.generate(tmp_path / "b", SMALL)
    synthetic.generate(tmp_path / "c", dataclasses.replace(SMALL, seed=8))
    first, again, other = (pq.read_table(tmp_path / name / "observations.parquet") for name in "abc")
    assert first.equals(again)
    assert not first.column("value").equals(other.column("value"))

    observations = first.to_pandas()
    assert counts["observations"] == len(observations)
    # 8% of 8,100 cells missing at random: within four standard deviations of the binomial
    expected_missing, sd = SMALL.cells * 0.08, (SMALL.cells * 0.08 * 0.92) ** 0.5
    assert abs(SMALL.cells - len(observations) - expected_missing) < 4 * sd
    assert observations.groupby(["geo_code", "year", "indicator_code"]).size().max() == 1
    assert observations["year"].min() == SMALL.first_year and observations["year"].max() == SMALL.first_year + SMALL.years - 1
    assert observations["value"].min() > 0
    assert set(observations["geo_status"]) == {"in_scope"}

    units = pd.read_parquet(tmp_path / "a" / "units.parquet")
    assert len(units) == SMALL.units and units["region"].nunique() == SMALL.regions
    indicators = pd.read_parquet(tmp_path / "a" / "nqpf_indicators.parquet")
    assert indicators["element"].value_counts().to_dict() == {"laborers": 3, "instruments_of_labor": 3, "subjects_of_labor": 3}
    assert indicators.loc[indicators["direction"] == "-", "indicator_id"].tolist() == ["syn_000", "syn_005"]


def test_the_generated_seed_tables_have_the_seeds_columns_and_types(tmp_path):
    synthetic.generate(tmp_path, SMALL)
    declared = yaml.safe_load((DBT_PROJECT_DIR / "seeds" / "_seeds.yml").read_text())
    types = {"varchar": "string", "integer": "int32", "double": "double"}
    for seed in ("nqpf_systems", "nqpf_indicators", "nqpf_transforms"):
        (config,) = [s["config"]["column_types"] for s in declared["seeds"] if s["name"] == seed]
        schema = pq.read_schema(tmp_path / f"{seed}.parquet")
        assert [(f.name, str(f.type)) for f in schema] == [(name, types[kind]) for name, kind in config.items()]
    system = pd.read_parquet(tmp_path / "nqpf_systems.parquet").iloc[0]
    assert (system["system_id"], system["uncertainty_runs"], system["window_end"]) == ("synthetic", 0, "2006")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"indicators": 2}, "a system needs at least one indicator per element (3), not 2"),
        ({"missing_share": 1.0}, "missing_share and outlier_share are shares in [0, 1)"),
        ({"units": 1}, "a system needs at least two units, one year and one region"),
    ],
)
def test_a_shape_the_models_cannot_score_is_refused(change, message):
    with pytest.raises(ValueError) as error:
        dataclasses.replace(SMALL, **change)
    assert str(error.value) == message


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The small system through every model up to the index marts, as `make bench-scale` builds it."""
    directory = tmp_path_factory.mktemp("synthetic")
    synthetic.generate(directory, SMALL)
    env = {**os.environ, "NQPF_SYNTHETIC_DIR": str(directory)}
    build = subprocess.run(
        bench_scale.dbt_build(directory, directory / "target"), cwd=DBT_PROJECT_DIR, env=env, capture_output=True, text=True
    )
    assert build.returncode == 0, build.stdout[-3000:]
    pandas_peer.main([str(directory), str(directory / "peer")])
    return directory


@pytest.mark.dbt
@pytest.mark.xdist_group("synthetic_build")  # both tests on one worker, so the system is built once
def test_the_index_marts_agree_with_the_independent_pandas_peer(built):
    difference = bench_scale.compare(built)
    assert difference["index"] < 1e-12
    assert difference["rank"] == 0
    assert difference["gini"] < 1e-12


@pytest.mark.dbt
@pytest.mark.xdist_group("synthetic_build")
def test_the_synthetic_target_reads_only_the_generated_system(built):
    with duckdb.connect(str(built / "warehouse.duckdb"), read_only=True) as con:
        systems = con.sql("select distinct system_id from marts.mart_nqpf_index").fetchall()
        units = con.sql("select count(distinct geo_code) from marts.mart_nqpf_panel").fetchall()
        methods = dict(con.sql("select method, count(*) from marts.mart_nqpf_treatment group by 1").fetchall())
        runs = con.sql("select distinct runs, count(mean_rank) from intermediate.int_nqpf__09_unit_years group by 1").fetchall()
        # the real data's tables were never built in this warehouse
        raw = con.sql("select count(*) from information_schema.tables where table_schema = 'raw'").fetchall()
    assert systems == [("synthetic",)]
    assert units == [(SMALL.units,)]
    assert sum(methods.values()) == SMALL.indicators and {"winsorise", "log"} <= set(methods)
    assert runs == [(0, 0)]  # no Monte Carlo: no rank statistics, and none pretended
    assert raw == [(0,)]


def test_the_peer_computes_the_dagum_gini_by_its_definition():
    """Two regions, hand-computed: A = {1, 3}, B = {2, 6}; n = 4, mean 3."""
    index = pd.DataFrame(
        {
            "geo_code": list("abcd"),
            "year": 2000,
            "region": ["A", "A", "B", "B"],
            **{measure: [1.0, 3.0, 2.0, 6.0] for measure in pandas_peer.MEASURES},
        }
    )
    (row,) = pandas_peer.dagum(index).query("measure == 'nqpf_index'").to_dict("records")
    pairs = np.abs(np.subtract.outer([1, 3, 2, 6], [1, 3, 2, 6])).sum()  # 32: 4 within A, 8 within B, 2 x 10 across
    assert row["gini"] == pytest.approx(pairs / (2 * 16 * 3))
    within_a = 4 / (2 * 4 * 2) * 0.5 * (4 / 12)  # G_AA p_A s_A
    within_b = 8 / (2 * 4 * 4) * 0.5 * (8 / 12)
    assert row["gini_within"] == pytest.approx(within_a + within_b)
    # B is the richer region: d = sum max(b - a, 0) = 1 + 5 + 3 = 9, p = sum max(a - b, 0) = 1
    g_ba = 10 / (2 * 2 * (4 + 2))
    weight = 0.5 * (4 / 12) + 0.5 * (8 / 12)
    assert row["gini_between"] == pytest.approx(g_ba * weight * (9 - 1) / (9 + 1))
    assert row["gini_transvariation"] == pytest.approx(g_ba * weight * (1 - 0.8))
    assert row["gini"] == pytest.approx(row["gini_within"] + row["gini_between"] + row["gini_transvariation"])
    assert row["gini"] == pytest.approx(1 / 3)


def test_the_bench_table_gives_the_median_of_the_runs_and_the_ratio_against_it():
    builds = [
        {"seconds": 80.0, "peak_gib": 5.25, "models": 71.0},
        {"seconds": 100.0, "peak_gib": 5.5, "models": 90.0},
        {"seconds": 75.0, "peak_gib": 5.0, "models": 68.0},
    ]
    summary = bench_scale.summarised(builds)
    assert summary == {"seconds": 80.0, "fastest": 75.0, "slowest": 100.0, "models": 71.0, "peak_gib": 5.5, "runs": 3}
    # a warm-up build is not counted in the times, but its memory is (the target is a ceiling)
    warmed = bench_scale.summarised([{"seconds": 113.0, "peak_gib": 5.75, "models": 105.0}, *builds], warmup=1)
    assert warmed == {**summary, "peak_gib": 5.75}
    stopped = {"size": "30M", "observations": 28_498_471, "pipeline": summary, "peer": {"timed_out": True, "peak_gib": 2.0}}
    finished = {
        "size": "1M",
        "observations": 950_103,
        "pipeline": bench_scale.summarised([{"seconds": 10.0, "peak_gib": 0.75, "models": 4.0}]),
        "peer": {"timed_out": False, "seconds": 2.5, "peak_gib": 0.5},
        "difference": {"index": 2.2e-16, "rank": 0, "gini": 5.6e-17},
    }
    lines = bench_scale.report([finished, stopped], peer_timeout=900.0).splitlines()
    assert lines[2] == (
        "| 950,103 (1M) | 10.0 s (10.0-10.0, 1 run) | 4.0 s | 0.75 GiB | 2.5 s | 0.50 GiB | 0.2x"
        " | index 2.2e-16, rank 0, Gini 5.6e-17 |"
    )
    # 900 s over the median of 80 s, not over the fastest run
    assert (
        lines[3]
        == "| 28,498,471 (30M) | 80.0 s (75.0-100.0, 3 runs) | 71.0 s | 5.50 GiB | > 900 s (stopped) | 2.00 GiB | > 11.2x | n/a |"
    )
