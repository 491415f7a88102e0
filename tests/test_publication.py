"""The end-to-end refresh on the real mirror: what analysts find in data/publish/latest."""

import hashlib
import json
import math
import stat
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from orchestration.lib.connectors import statistical

from .conftest import PWT_MIRROR_FILE


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def manifest(refreshed) -> dict:
    return json.loads((refreshed.latest / "manifest.json").read_text())


def test_latest_points_at_a_complete_version(refreshed, manifest):
    pointer = refreshed.data_dir / "publish" / "latest"
    assert pointer.is_symlink()
    assert refreshed.latest.parent == refreshed.data_dir / "publish" / "versions"
    assert manifest["version"] == refreshed.latest.name
    assert manifest["run_id"] == refreshed.result.run_id
    # the first version has no predecessor, so no changes/ folder
    assert sorted(p.name for p in refreshed.latest.iterdir()) == [
        "csv",
        "manifest.json",
        "nqpf.duckdb",
        "parquet",
        "quality",
        "report",
    ]


def test_manifest_records_the_source_snapshots(refreshed, manifest, pwt_mirror):
    (source,) = [s for s in manifest["sources"] if s["source"] == "pwt"]
    assert source["sha256"] == sha256(PWT_MIRROR_FILE)
    assert source["bytes"] == PWT_MIRROR_FILE.stat().st_size
    assert source["rows"] == len(pwt_mirror) == 12810
    assert source["origin"] == str(PWT_MIRROR_FILE)
    snapshot = refreshed.data_dir / "landing" / "pwt" / f"{source['sha256']}.csv"
    assert source["snapshot"] == str(snapshot) and sha256(snapshot) == source["sha256"]
    assert manifest["data_source"]["mode"] == "mirror"
    assert set(manifest["git"]) == {"commit", "dirty"}
    # every file read is listed with its hash: WDI series and metadata, Gapminder concepts and entities
    for entry in manifest["sources"]:
        origin = Path(entry["origin"])
        assert entry["sha256"] == sha256(origin) and entry["bytes"] == origin.stat().st_size
    assert {s["source"] for s in manifest["sources"]} == {"pwt", "wdi", "gapminder", *statistical.catalog()}
    wdi_files = {Path(s["origin"]).name for s in manifest["sources"] if s["source"] == "wdi"}
    assert "Metadata_Country_API_BX.GSR.CCIS.CD_DS2_en_csv_v2_920.csv" in wdi_files  # newest metadata vintage
    # The bulk layout writes empty cells for years without data: left out, and counted where analysts see it.
    (internet,) = [s for s in manifest["sources"] if Path(s["origin"]).name.startswith("API_IT.NET.USER.ZS_DS2")]
    wide = pd.read_csv(internet["origin"])
    years = wide.filter(regex=r"^\d{4}$")
    assert internet["rows"] == years.notna().sum().sum()
    assert internet["detail"] == f"{years.isna().sum().sum()} cells with no data ('..' or empty) left out"


def test_manifest_lists_every_passed_check(manifest):
    from orchestration.definitions import guarded_checks

    checks = {(c["asset"], c["check"]): c for c in manifest["checks"]}
    assert set(checks) == {(k.asset_key.to_user_string(), k.name) for k in guarded_checks}
    assert all(c["passed"] and c["problem"] is None for c in checks.values())
    assert ("pwt_raw", "gx_pwt_raw") in checks
    assert ("mart_tfp_growth_accounting", "tfp_growth_reproduces_pwt_where_hours_are_published") in checks


PUBLISHED = {
    "mart_tfp_growth_accounting",
    "mart_tfp_levels",
    "mart_tfp_malmquist",
    "mart_tfp_extension_backtest",
    "dim_geographies",
    "mart_source_exclusions",
    "mart_nqpf_panel",
    "mart_nqpf_indicator_weights",
    "mart_nqpf_element_scores",
    "mart_nqpf_index",
    "mart_nqpf_coverage",
    "mart_nqpf_tfp",
    "mart_nqpf_disparities",
    "mart_china_capital_stock",
    "mart_china_statistics",
    "mart_china_tfp_growth_accounting",
    "mart_china_tfp_levels",
    "mart_china_gdp_vintages",
    "mart_nqpf_treatment",
    "mart_nqpf_variants",
    "mart_nqpf_uncertainty",
    "mart_nqpf_sensitivity",
    "mart_nqpf_audit",
    "mart_nqpf_rank_by_availability",
}


def test_parquet_csv_and_duckdb_hold_the_same_tables(refreshed, manifest):
    assert set(manifest["tables"]) == PUBLISHED
    database = refreshed.latest / "nqpf.duckdb"
    assert not database.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    with duckdb.connect(str(database), read_only=True) as con:
        for name, entry in manifest["tables"].items():
            parquet = pd.read_parquet(refreshed.latest / entry["files"]["parquet"]["path"])
            csv = pd.read_csv(refreshed.latest / entry["files"]["csv"]["path"])
            table = con.execute(f"select * from {name}").df()
            assert len(parquet) == len(csv) == len(table) == entry["rows"]
            assert list(parquet.columns) == list(csv.columns) == list(table.columns) == list(entry["columns"])
            pd.testing.assert_frame_equal(parquet, table, check_dtype=False)
            for column in parquet.select_dtypes("floating").columns:
                pd.testing.assert_series_equal(csv[column], parquet[column], check_exact=False, rtol=1e-15, check_dtype=False)
            for kind in ("parquet", "csv"):
                assert sha256(refreshed.latest / entry["files"][kind]["path"]) == entry["files"][kind]["sha256"]
        comment = con.execute(
            "select comment from duckdb_columns() where table_name = 'mart_tfp_growth_accounting' and column_name = 'tfp_growth'"
        ).fetchone()[0]
    assert comment.startswith("dln TFP: output growth not explained by capital and labour")


def test_every_table_is_published_in_the_order_of_its_key(refreshed, manifest):
    """The key is the model's uniqueness test, or for the view mart_nqpf_panel, whose grain is
    tested on the table under it, its ``meta.grain``: vintages are compared by it."""
    keys = {name: entry["key"] for name, entry in manifest["tables"].items()}
    assert [name for name, key in keys.items() if not key] == []
    assert keys["mart_nqpf_panel"] == ["system_id", "geo_code", "year", "indicator_id"]
    panel = pd.read_parquet(refreshed.latest / manifest["tables"]["mart_nqpf_panel"]["files"]["parquet"]["path"])
    assert not panel.duplicated(keys["mart_nqpf_panel"]).any()
    pd.testing.assert_frame_equal(panel, panel.sort_values(keys["mart_nqpf_panel"], ignore_index=True))


def test_column_dictionary_documents_every_published_column(manifest):
    for name, entry in manifest["tables"].items():
        assert entry["description"], name
        for column, doc in entry["columns"].items():
            assert doc["description"] and doc["data_type"], f"{name}.{column}"
    # 6289 economy-years on PWT's inputs and 560 extended after 2019; levels 6407 + 560
    assert manifest["tables"]["mart_tfp_growth_accounting"]["rows"] == 6849
    assert manifest["tables"]["mart_tfp_levels"]["rows"] == 6967


def test_published_figures(refreshed, pwt_mirror):
    growth = pd.read_parquet(refreshed.latest / "parquet" / "mart_tfp_growth_accounting.parquet").set_index(
        ["economy_code", "year"]
    )
    levels = pd.read_parquet(refreshed.latest / "parquet" / "mart_tfp_levels.parquet").set_index(["economy_code", "year"])
    pwt = pwt_mirror.set_index(["isocode", "year"])
    # United States 2019, on hours: output growth and PWT's own TFP growth, recomputed here.
    usa = growth.loc[("USA", 2019)]
    assert usa["labour_basis"] == "hours"
    assert usa["output_growth"] == pytest.approx(
        math.log(pwt.loc[("USA", 2019), "rgdpna"] / pwt.loc[("USA", 2018), "rgdpna"]), abs=1e-12
    )
    assert usa["tfp_growth"] == pytest.approx(
        math.log(pwt.loc[("USA", 2019), "rtfpna"] / pwt.loc[("USA", 2018), "rtfpna"]), abs=1e-6
    )
    # China 2019 level: PWT's rtfpna (2017 = 1) reproduced by chaining our growth rates.
    assert levels.loc[("CHN", 2019), "tfp_index"] == pytest.approx(pwt.loc[("CHN", 2019), "rtfpna"], rel=1e-6)
    assert levels.loc[("CHN", 2017), "tfp_index"] == 1.0


def test_materializations_carry_useful_metadata(refreshed):
    raw = refreshed.result.asset_materializations_for_node("pwt_raw")[0].metadata
    assert raw["dagster/row_count"].value == 12810
    assert f"| {sha256(PWT_MIRROR_FILE)[:12]} |" in raw["pulls"].value
    # the preview leads with the key columns and the latest year, not Aruba's empty 1950s
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in raw["preview"].value.splitlines()]
    assert rows[0] == ["economy_code", "year", "rgdpna", "rkna", "emp", "avh", "hc", "labsh", "rtfpna"]
    assert len(rows) == 12 and {row[1] for row in rows[2:]} == {"2019"}
    dbt_events = {
        m.asset_key.to_user_string(): m.metadata for m in refreshed.result.asset_materializations_for_node("nqpf_dbt_models")
    }
    assert dbt_events["mart_tfp_growth_accounting"]["dagster/row_count"].value == 6849
    assert "economy_code" in dbt_events["mart_tfp_levels"]["preview"].value
    checks = {e.check_name: e for e in refreshed.result.get_asset_check_evaluations()}
    gx = checks["gx_mart_tfp_growth_accounting"].metadata
    result_json = json.loads(open(gx["validation_result"].value).read())
    assert result_json["success"] is True and result_json["relation"] == "marts.mart_tfp_growth_accounting"
    assert len(result_json["expectations"]) == gx["expectations_evaluated"].value == 13
    assert gx["rows_validated"].value == 6849


def test_manifest_carries_the_indicator_system_and_its_weights(refreshed, manifest):
    from orchestration.lib.settings import DBT_PROJECT_DIR

    system = manifest["indicator_systems"]["cross_country"]
    assert system["index_years"] == {"first_year": 2000, "last_year": 2023}
    assert (system["window_start"], system["window_end"], system["normalisation_shift"]) == (2000, "auto", 0.0001)
    seed = pd.read_csv(DBT_PROJECT_DIR / "seeds" / "nqpf_indicators.csv").query("system_id == 'cross_country'")
    indicators = pd.DataFrame(system["indicators"]).set_index("indicator_id")
    assert sorted(indicators.index) == sorted(seed["indicator_id"])
    assert indicators.loc["rd_intensity", ["source", "indicator_code", "direction"]].tolist() == ["wdi", "GB.XPD.RSDV.GD.ZS", "+"]
    weights = pd.read_parquet(refreshed.latest / "parquet" / "mart_nqpf_indicator_weights.parquet")
    weights = weights[weights["system_id"] == "cross_country"].set_index("indicator_id")
    assert indicators["weight_in_system"].to_dict() == weights["weight_in_system"].to_dict()
    assert sum(indicators["weight_in_system"]) == pytest.approx(1, abs=1e-12)
    provincial = manifest["indicator_systems"]["china_provinces"]
    assert provincial["geography"] == "provinces" and provincial["index_years"] == {"first_year": 2011, "last_year": 2023}
    assert len(provincial["indicators"]) == 13
