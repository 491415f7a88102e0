"""The NQPF methods on a panel small enough to compute by hand.

The real dbt project is copied with its seeds replaced by a toy system and built on a toy
warehouse. Three economies qualify in 2001 and 2002, a fourth fails coverage, an aggregate
and a code nobody knows are left out, one value is interpolated from an observation outside
the window and one is extrapolated; the normalised values are then simple fractions, written
below by hand, and every later formula is recomputed here from them.
"""

import math
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from orchestration.lib.connectors import statistical
from orchestration.lib.settings import DBT_PROJECT_DIR

from .conftest import dbt_error, run_dbt

# The toy's nominal choices are the classic entropy method (no treatment, no imputation) that the
# hand computation below follows; the variants and the Monte Carlo are checked in tests/composite.
TOY_SYSTEM = """system_id,title,geography,window_start,window_end,min_share_per_element,max_gap_years,max_extrapolation_years,normalisation_shift,auto_end_min_share,min_geos_per_year,min_data_share,treatment,treatment_skew_threshold,treatment_kurt_threshold,treatment_winmax,imputation,imputation_group,normalisation,weighting,aggregation,uncertainty_runs,uncertainty_seed,weight_noise,method_notes,description
toy,Toy system,economies,2001,auto,0.5,1,1,0.5,0.8,3,0.5,none,2,3.5,5,none,income_group,minmax,entropy,arithmetic,500,1,0.25,Classic entropy method,Small enough to check by hand
"""
TOY_INDICATORS = """system_id,indicator_id,source,indicator_code,element,sub_dimension,direction,transform,unit,valid_min,valid_max,description,citation
toy,l1,wdi,X1,laborers,skills,+,as_is,units,0,10000,More is better,test
toy,l3,wdi,X3,laborers,skills,+,as_is,units,0,10000,Published only in 1990,test
toy,i1,wdi,X2,instruments_of_labor,energy,-,as_is,units,0,10000,Less is better,test
toy,i2,pwt,rnna,instruments_of_labor,capital,+,per_worker,units,0,10000,Capital per worker,test
toy,s1,gapminder,s1,subjects_of_labor,output,+,as_is,units,0,10000,From Gapminder,test
"""
TOY_TRANSFORMS = """geography,transform,operation,denominator_source,denominator_code,multiplier,description
economies,as_is,identity,,,1,As published
economies,per_worker,ratio,pwt,emp,1,Per person engaged
"""
TOY_PWT_ECONOMIES = """economy_code,economy_name
AAA,A
BBB,B
TWN,Taiwan
"""
ECONOMIES = ["AAA", "BBB", "CCC", "DDD"]
WDI_VALUES = [  # indicator, economy, year, value
    ("X1", "AAA", 2001, 10),
    ("X1", "AAA", 2002, 20),
    ("X1", "BBB", 2001, 30),
    ("X1", "BBB", 2003, 50),  # 2002 interpolated: 40
    ("X1", "CCC", 2001, 50),
    ("X1", "CCC", 2002, 50),
    ("X1", "DDD", 2001, 100),
    ("X1", "DDD", 2002, 100),  # DDD has nothing else: never in the index
    ("X1", "WLD", 2001, 1000),  # an aggregate
    ("X1", "ZZZ", 2001, 5),  # a code the World Bank's metadata does not know
    ("X2", "AAA", 2001, 4),
    ("X2", "AAA", 2002, 3),
    ("X2", "BBB", 2001, 2),
    ("X2", "BBB", 2002, 2),
    ("X2", "CCC", 2001, 1),  # 2002 extrapolated: 1
    ("X3", "AAA", 1990, 7),
]
PWT_VALUES = [  # economy_code, year, rnna, emp -> capital per worker
    ("AAA", 2001, 100.0, 10.0),
    ("AAA", 2002, 240.0, 12.0),  # 10, 20
    ("BBB", 2001, 300.0, 10.0),
    ("BBB", 2002, 330.0, 11.0),  # 30, 30
    ("TWN", 2001, 50.0, 1.0),  # not a World Bank economy
    ("ZZZ", 2001, 70.0, 7.0),  # a code PWT's own list of economies does not know
]
GAPMINDER_VALUES = [
    ("aaa", 2001, 1),
    ("aaa", 2002, 2),
    ("bbb", 2001, 3),
    ("bbb", 2002, 3),
    ("ccc", 2001, 5),
    ("ccc", 2002, 5),
    ("world", 2001, 9),
]

UNIT_YEARS = [("AAA", 2001), ("AAA", 2002), ("BBB", 2001), ("BBB", 2002), ("CCC", 2001), ("CCC", 2002)]
# Normalised by hand: z = 0.5 + 0.5 (x - min) / (max - min), or (max - x) for i1 (shift 0.5).
Z = {
    "l1": [0.5, 0.625, 0.75, 0.875, 1.0, 1.0],  # 10, 20, 30, 40 (interpolated), 50, 50
    "i1": [0.5, 2 / 3, 5 / 6, 5 / 6, 1.0, 1.0],  # 4, 3, 2, 2, 1, 1 (extrapolated); less is better
    "i2": [0.5, 0.75, 1.0, 1.0, None, None],  # 10, 20, 30, 30; CCC has no PWT data
    "s1": [0.5, 0.625, 0.75, 0.75, 1.0, 1.0],  # 1, 2, 3, 3, 5, 5
}
ELEMENT = {"l1": "laborers", "i1": "instruments_of_labor", "i2": "instruments_of_labor", "s1": "subjects_of_labor"}


def write_toy_warehouse(path: Path) -> None:
    wdi = pd.DataFrame(WDI_VALUES, columns=["indicator_code", "economy_code", "year", "value"]).assign(
        economy_name=lambda f: f["economy_code"],
        layout="long",
        vintage="2026-01-01",
        source_file="toy_wdi.csv",
        source_line=lambda f: f.index + 2,
    )
    economies = pd.DataFrame(
        {
            "economy_code": [*ECONOMIES, "WLD"],
            "economy_name": ["A", "B", "C", "D", "World"],
            "region": ["Europe & Central Asia", "East Asia & Pacific", "South Asia", "South Asia", None],
            "income_group": ["High income", "Upper middle income", "Low income", "Low income", None],
            "vintage": "2026-01-01",
            "source_file": "toy_metadata.csv",
        }
    )
    pwt = pd.DataFrame(PWT_VALUES, columns=["economy_code", "year", "rnna", "emp"]).assign(
        economy_name=lambda f: f["economy_code"],
        currency_unit="US$",
        source_file="toy_pwt.csv",
        source_line=lambda f: f.index + 2,
        pop=None,
        avh=None,
        hc=None,
        rgdpna=None,
        rkna=None,
        labsh=None,
        rtfpna=None,
        delta=None,
    )
    numeric = ["pop", "emp", "avh", "hc", "rgdpna", "rkna", "rnna", "labsh", "rtfpna", "delta"]
    pwt = pwt.astype({c: "float64" for c in numeric})
    gapminder = pd.DataFrame(GAPMINDER_VALUES, columns=["gapminder_geo", "year", "value"]).assign(
        indicator_code="s1", source_file="toy_gapminder.csv", source_line=lambda f: f.index + 2
    )
    geo = pd.DataFrame(
        {
            "gapminder_geo": ["aaa", "bbb", "ccc", "ddd", "world"],
            "gapminder_name": ["A", "B", "C", "D", "World"],
            "iso3": ["AAA", "BBB", "CCC", "DDD", None],
            "is_country": [True] * 4 + [False],
            "world_4region": "europe",
            "source_file": "toy_geo.csv",
        }
    )
    path.parent.mkdir(parents=True)
    with duckdb.connect(str(path)) as con:
        con.execute("create schema raw")
        for table in statistical.catalog():  # sources the toy system does not use: empty, in the landed shape
            con.execute(f"""create table raw.{table} (region_label varchar, region_code varchar, year bigint, variable varchar,
                            variable_label varchar, value double, published_unit varchar, source_file varchar, source_line bigint)""")
        for table, frame in {
            "wdi_observations": wdi,
            "wdi_economies": economies,
            "pwt": pwt,
            "gapminder_observations": gapminder,
            "gapminder_geo": geo,
        }.items():
            con.register("frame", frame)
            con.execute(f"create table raw.{table} as select * from frame")
            con.unregister("frame")


def toy_project(root: Path) -> Path:
    project = root / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs", "dbt_packages", ".user.yml"))
    seeds = project / "seeds"
    (seeds / "nqpf_systems.csv").write_text(TOY_SYSTEM)
    (seeds / "nqpf_indicators.csv").write_text(TOY_INDICATORS)
    (seeds / "nqpf_transforms.csv").write_text(TOY_TRANSFORMS)
    (seeds / "pwt_economies.csv").write_text(TOY_PWT_ECONOMIES)  # PWT's own list, which its codes are checked against
    return project


def dbt(project: Path, *args: str, variables: str = "{nqpf_unknown_geo_codes: exclude}"):
    return run_dbt(project.parent / "data", *args, "--vars", variables, project=project)


def read(project: Path, table: str) -> pd.DataFrame:
    with duckdb.connect(str(project.parent / "data" / "warehouse" / "nqpf.duckdb"), read_only=True) as con:
        return con.execute(f"select * from {table}").df()


@pytest.fixture(scope="module")
def toy(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("toy")
    write_toy_warehouse(root / "data" / "warehouse" / "nqpf.duckdb")
    project = toy_project(root)
    build = dbt(project, "build")  # seeds, models and every dbt test, on the toy data
    assert build.returncode == 0, build.stdout[-3000:]
    return project


def entropy(z: list[float]) -> float:
    values = [v for v in z if v is not None]
    total = sum(values)
    return -sum(v / total * math.log(v / total) for v in values) / math.log(len(values))


@pytest.fixture(scope="module")
def expected() -> dict:
    divergence = {j: 1 - entropy(z) for j, z in Z.items()}
    in_system = {j: d / sum(divergence.values()) for j, d in divergence.items()}
    in_element = {j: d / sum(divergence[k] for k in Z if ELEMENT[k] == ELEMENT[j]) for j, d in divergence.items()}
    rows = []
    for i, (code, year) in enumerate(UNIT_YEARS):
        have = [j for j in Z if Z[j][i] is not None]
        score = {
            e: sum(in_element[j] * Z[j][i] for j in have if ELEMENT[j] == e) / sum(in_element[j] for j in have if ELEMENT[j] == e)
            for e in set(ELEMENT.values())
        }
        weighted = {j: in_system[j] * Z[j][i] for j in have}
        best = {j: max(in_system[j] * z for z in Z[j] if z is not None) for j in have}
        worst = {j: min(in_system[j] * z for z in Z[j] if z is not None) for j in have}
        to_best = math.sqrt(sum((weighted[j] - best[j]) ** 2 for j in have))
        to_worst = math.sqrt(sum((weighted[j] - worst[j]) ** 2 for j in have))
        u = [score["laborers"], score["instruments_of_labor"], score["subjects_of_labor"]]
        c = (u[0] * u[1] * u[2]) ** (1 / 3) / (sum(u) / 3)
        rows.append(
            {
                "geo_code": code,
                "year": year,
                "nqpf_index": sum(weighted.values()) / sum(in_system[j] for j in have),
                "topsis_closeness": to_worst / (to_best + to_worst),
                "laborers_score": u[0],
                "instruments_score": u[1],
                "subjects_score": u[2],
                "coupling_degree": c,
                "coupling_coordination": math.sqrt(c * sum(u) / 3),
            }
        )
    return {
        "in_system": in_system,
        "in_element": in_element,
        "divergence": divergence,
        "index": pd.DataFrame(rows).set_index(["geo_code", "year"]),
    }


def test_sample_window_fills_and_normalised_values(toy):
    sample = read(toy, "intermediate.int_nqpf__05_sample").set_index(["geo_code", "year"])
    assert sorted(sample.index[sample["in_index"]]) == UNIT_YEARS
    assert set(sample["window_end"]) == {2002}  # 2003: only AAA and BBB qualify, 2/3 < auto_end_min_share 0.8
    assert not sample.loc[("DDD", 2001), "qualifies"]
    panel = read(toy, "marts.mart_nqpf_panel").set_index(["geo_code", "year", "indicator_id"])
    assert panel.loc[("BBB", 2002, "l1"), ["fill_method", "filled_value", "is_filled"]].tolist() == ["interpolated", 40.0, True]
    assert panel.loc[("CCC", 2002, "i1"), ["fill_method", "filled_value", "is_filled"]].tolist() == ["extrapolated", 1.0, True]
    assert panel.loc[("AAA", 2002, "i2"), "indicator_value"] == 20.0  # 240 / 12: rnna per person engaged
    assert "l3" not in panel.index.get_level_values("indicator_id")  # no observation in the window
    for indicator, values in Z.items():
        for (code, year), z in zip(UNIT_YEARS, values, strict=True):
            got = panel.loc[(code, year, indicator), "normalised_value"]
            assert pd.isna(got) if z is None else got == pytest.approx(z, abs=1e-15), (code, year, indicator)


def test_entropy_weights(toy, expected):
    weights = read(toy, "marts.mart_nqpf_indicator_weights").set_index("indicator_id")
    assert weights.loc["l3", "status"] == "excluded: no observations in window"
    assert pd.isna(weights.loc["l3", "weight_in_system"])
    for j in Z:
        assert weights.loc[j, "status"] == "in use"
        assert weights.loc[j, "divergence"] == pytest.approx(expected["divergence"][j], abs=1e-14)
        assert weights.loc[j, "weight_in_system"] == pytest.approx(expected["in_system"][j], abs=1e-14)
        assert weights.loc[j, "weight_in_element"] == pytest.approx(expected["in_element"][j], abs=1e-14)
    assert weights.loc[["l1", "s1"], "weight_in_element"].tolist() == [1.0, 1.0]  # alone in their elements
    assert weights.loc["i2", "n_values"] == 4 and weights.loc["i1", "n_values"] == 6


def test_scores_index_topsis_and_coupling(toy, expected):
    index = read(toy, "marts.mart_nqpf_index").set_index(["geo_code", "year"]).sort_index()
    want = expected["index"].sort_index()
    assert list(index.index) == list(want.index)
    for column in want.columns:
        assert index[column].to_numpy() == pytest.approx(want[column].to_numpy(), abs=1e-14), column
    # CCC has no i2: its instruments score is i1 alone, its index re-weighted over the three it has.
    assert index.loc[("CCC", 2001), "instruments_score"] == 1.0
    assert index.loc[("CCC", 2001), "indicators_available"] == 3
    assert index.loc[("AAA", 2001), "nqpf_index"] == pytest.approx(0.5, abs=1e-15)  # worst everywhere
    assert index.loc[("AAA", 2001), "topsis_closeness"] == 0.0 and index.loc[("AAA", 2001), "coupling_degree"] == pytest.approx(
        1.0
    )
    ranks = index.xs(2002, level="year")["nqpf_rank"].to_dict()
    assert ranks == dict(
        zip(
            want.xs(2002, level="year")["nqpf_index"].rank(ascending=False, method="min").index,
            want.xs(2002, level="year")["nqpf_index"].rank(ascending=False, method="min").astype(int),
            strict=True,
        )
    )
    growth = index.loc[("AAA", 2002), "nqpf_index_growth"]
    assert growth == pytest.approx(want.loc[("AAA", 2002), "nqpf_index"] / want.loc[("AAA", 2001), "nqpf_index"] - 1, abs=1e-14)
    assert pd.isna(index.loc[("AAA", 2001), "nqpf_index_growth"])


def test_coordination_classes_follow_the_seed(toy, expected):
    index = read(toy, "marts.mart_nqpf_index").set_index(["geo_code", "year"])
    classes = pd.read_csv(DBT_PROJECT_DIR / "seeds" / "nqpf_coordination_classes.csv")
    for key, d in expected["index"]["coupling_coordination"].items():
        row = classes[(classes.lower_bound <= d) & ((d < classes.upper_bound) | (classes.upper_bound == 1))].iloc[0]
        assert index.loc[key, "coordination_class"] == row.coordination_class, key


def test_coverage_and_exclusions(toy):
    coverage = read(toy, "marts.mart_nqpf_coverage").set_index(["geo_code", "indicator_id"])
    assert coverage.loc[("BBB", "l1"), ["observed", "interpolated", "extrapolated", "years_in_window"]].tolist() == [1, 1, 0, 2]
    assert coverage.loc[("DDD", "l1"), ["observed", "years_in_index", "years_left_out_of_index"]].tolist() == [2, 0, 2]
    assert coverage.loc[("CCC", "i2"), "missing"] == 2
    exclusions = read(toy, "marts.mart_source_exclusions").set_index(["source", "source_code"])
    assert exclusions.loc[("wdi", "WLD"), "reason_code"] == "aggregate"
    assert exclusions.loc[("wdi", "ZZZ"), ["reason_code", "example_file", "example_line"]].tolist() == [
        "unknown_code",
        "toy_wdi.csv",
        11,
    ]
    assert exclusions.loc[("gapminder", "world"), "reason_code"] == "aggregate"
    assert set(exclusions.loc[("pwt", "TWN"), "reason_code"]) == {"outside_universe"}
    pwt_unknown = exclusions.loc[("pwt", "ZZZ")]  # one row per series it publishes (rnna, emp)
    assert set(pwt_unknown["reason_code"]) == {"unknown_code"} and set(pwt_unknown["example_line"]) == {7}
    geographies = read(toy, "marts.dim_geographies")
    assert sorted(geographies[geographies.geography == "economies"]["geo_code"]) == ECONOMIES


def stopped_by(model: str, headline: str, *rows: str) -> str:
    """How dbt reports a raise_if_rows in ``model``: the headline, one line per offending row."""
    where = f"{model} (models/intermediate/nqpf/{model}.sql)"
    listed = "".join(f"    - {row}\n" for row in rows)
    return (
        f"Compilation Error in model {where}\n  {headline}:\n{listed}  \n"
        f"  > in macro raise_if_rows (macros/raise_if_rows.sql)\n  > called by model {where}"
    )


def test_unknown_codes_can_stop_the_build(toy):
    run = dbt(toy, "run", "--select", "int_nqpf__02_indicator_values", variables="{nqpf_unknown_geo_codes: fail}")
    assert dbt_error(run, toy.parent / "data") == stopped_by(
        "int_nqpf__02_indicator_values",
        "codes that their own publisher's metadata does not know (source | code | values | first at); set the dbt var "
        "nqpf_unknown_geo_codes to 'exclude' to drop them and record them in mart_source_exclusions",
        "pwt | ZZZ | 2 | toy_pwt.csv line 7",
        "wdi | ZZZ | 1 | toy_wdi.csv line 11",
    )


def test_an_indicator_without_data_can_stop_the_build(toy):
    run = dbt(
        toy,
        "run",
        "--select",
        "int_nqpf__05_sample",
        variables="{nqpf_unknown_geo_codes: exclude, nqpf_indicator_without_data: fail}",
    )
    assert dbt_error(run, toy.parent / "data") == stopped_by(
        "int_nqpf__05_sample",
        "indicators without any observation in their system's window (system | indicator | source:code); set the dbt "
        "var nqpf_indicator_without_data to 'exclude' to leave them out and record them",
        "toy | l3 | wdi:X3",
    )


def test_a_seed_naming_a_series_no_source_provides_stops_the_build(toy, tmp_path):
    shutil.copytree(toy.parent / "data", tmp_path / "data")
    project = toy_project(tmp_path)
    with (project / "seeds" / "nqpf_indicators.csv").open("a") as seed:
        seed.write("toy,s9,wdi,X9,subjects_of_labor,output,+,as_is,units,0,10000,Not published anywhere,test\n")
        seed.write("toy,s8,gapminder,s1,subjects_of_labor,output,+,per_worker,units,0,10000,Denominator exists,test\n")
    # one dbt process: the seed is loaded and tested, then the model stops on it
    run = dbt(project, "build", "--select", "nqpf_indicators", "int_nqpf__01_system_indicators")
    assert dbt_error(run, project.parent / "data") == stopped_by(
        "int_nqpf__01_system_indicators",
        "indicator systems name series that no source provides (system | indicator | source:code)",
        "toy | s9 | wdi:X9",
    )


def test_an_indicator_value_outside_its_valid_range_stops_the_build(toy, tmp_path):
    shutil.copytree(toy.parent / "data", tmp_path / "data")
    project = toy_project(tmp_path)
    seed = project / "seeds" / "nqpf_indicators.csv"
    seed.write_text(
        seed.read_text().replace(
            "toy,l1,wdi,X1,laborers,skills,+,as_is,units,0,10000,", "toy,l1,wdi,X1,laborers,skills,+,as_is,units,0,45,"
        )
    )
    run = dbt(project, "build", "--select", "nqpf_indicators", "int_nqpf__01_system_indicators", "int_nqpf__03_filled")
    # the check runs in the gap filling's Python (orchestration.lib.gap_filling); dbt-duckdb puts the
    # model's traceback between its headline and the exception
    message = dbt_error(run, project.parent / "data")
    headline, _, error = message.partition("\n  Python model failed:\n")
    assert headline == "Runtime Error in model int_nqpf__03_filled (models/intermediate/nqpf/int_nqpf__03_filled.py)"
    assert error.endswith(
        "  orchestration.lib.gap_filling.InputError: indicator values outside their valid range "
        "(system | indicator | unit code | year | value | valid range | published at); "
        "the range is the seed's valid_min and valid_max in dbt_project/seeds/nqpf_indicators.csv:\n"
        "    - toy | l1 | BBB | 2003 | 50.0 | [0.0, 45.0] | toy_wdi.csv line 5\n"
        "    - toy | l1 | CCC | 2001 | 50.0 | [0.0, 45.0] | toy_wdi.csv line 6\n"
        "    - toy | l1 | CCC | 2002 | 50.0 | [0.0, 45.0] | toy_wdi.csv line 7\n"
        "    - toy | l1 | DDD | 2001 | 100.0 | [0.0, 45.0] | toy_wdi.csv line 8\n"
        "    - toy | l1 | DDD | 2002 | 100.0 | [0.0, 45.0] | toy_wdi.csv line 9\n  "
    )
