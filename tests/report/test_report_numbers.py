"""The numbers the charts carry are the published ones: each chart's data, read back from the page, against
the Parquet files read here with pandas."""

from __future__ import annotations

import pandas as pd

from orchestration.lib.report.geometry import numeric_code_of_alpha3

from .pages import chart_specs, dataset


def published(publication_dir, table: str) -> pd.DataFrame:
    return pd.read_parquet(publication_dir / "parquet" / f"{table}.parquet")


def shown(page, chart_id: str, name: str) -> pd.DataFrame:
    return pd.DataFrame(dataset(page, chart_id, name))


def assert_same_values(chart: pd.DataFrame, table: pd.DataFrame, keys: list[str], values: list[str]) -> None:
    """Same keys, and every value equal to the published one (exactly: JSON keeps a double's full precision)."""
    left = chart[keys + values].sort_values(keys).reset_index(drop=True)
    right = table[keys + values].sort_values(keys).reset_index(drop=True)
    assert len(left) == len(right), f"{len(left)} rows shown, {len(right)} published"
    pd.testing.assert_frame_equal(left, right, check_dtype=False, check_exact=True)


def last_year_rows(index: pd.DataFrame, system_id: str) -> pd.DataFrame:
    rows = index[index["system_id"] == system_id]
    return rows[rows["year"] == rows["year"].max()].sort_values(["nqpf_rank", "geo_code"])


def test_latest_ranking_is_the_published_one(report):
    index = published(report.publication_dir, "mart_nqpf_index")
    for page in report.system_pages():
        latest = last_year_rows(index, page.stem)
        expected = latest if len(latest) <= 40 else pd.concat([latest.head(10), latest.tail(10)])
        ranking = shown(page, "ranking", "ranking")
        assert ranking["geo_code"].tolist() == expected["geo_code"].tolist()
        assert_same_values(
            ranking,
            expected,
            ["geo_code"],
            ["year", "nqpf_index", "nqpf_rank", "topsis_closeness", "topsis_rank", "coupling_coordination"],
        )
        assert ranking["rank_label"].tolist() == [
            f"{rank}. {label}" for rank, label in zip(ranking["nqpf_rank"], ranking["label"], strict=True)
        ]


def test_province_labels_are_chinese_and_english(report):
    geographies = published(report.publication_dir, "dim_geographies").set_index("geo_code")
    names_zh = (
        published(report.publication_dir, "mart_china_capital_stock").drop_duplicates("province_code").set_index("province_code")
    )
    provinces = set(geographies.index[geographies["geography"] == "provinces"])
    pages = [page for page in report.system_pages() if set(shown(page, "ranking", "ranking")["geo_code"]) <= provinces]
    assert [page.stem for page in pages] == ["china_provinces"]
    ranking = shown(pages[0], "ranking", "ranking")
    expected = [f"{names_zh.loc[code, 'province_name_zh']} {geographies.loc[code, 'geo_name']}" for code in ranking["geo_code"]]
    assert ranking["label"].tolist() == expected
    assert "北京 Beijing" in expected


def test_world_map_shows_every_economy_of_the_last_year(report):
    index = published(report.publication_dir, "mart_nqpf_index")
    geographies = published(report.publication_dir, "dim_geographies").set_index("geo_code")["geography"]
    pages = [page for page in report.system_pages() if "world-map" in chart_specs(page)]
    assert "cross_country" in [page.stem for page in pages]
    for page in pages:
        map_values = shown(page, "world-map", "map_values")
        assert set(geographies[map_values["geo_code"]]) == {"economies"}
        assert_same_values(map_values, last_year_rows(index, page.stem), ["geo_code"], ["year", "nqpf_index", "nqpf_rank"])
        codes = map_values.set_index("geo_code")["iso_numeric"]
        assert codes["CHN"] == "156" and codes["USA"] == numeric_code_of_alpha3()["USA"] == "840"
        world = chart_specs(page)["world-map"]["datasets"]["world"]
        assert world["type"] == "Topology" and len(world["objects"]["countries"]["geometries"]) == 177


def test_trend_charts_follow_the_last_years_top_five(report):
    index = published(report.publication_dir, "mart_nqpf_index")
    elements = published(report.publication_dir, "mart_nqpf_element_scores")
    for page in report.system_pages():
        system_id = page.stem
        leaders = last_year_rows(index, system_id)["geo_code"].head(5).tolist()
        top_index = shown(page, "top-units-index", "top_units_index")
        assert set(top_index["geo_code"]) == set(leaders)
        published_top = index[(index["system_id"] == system_id) & index["geo_code"].isin(leaders)]
        assert_same_values(top_index, published_top, ["geo_code", "year"], ["nqpf_index", "nqpf_rank"])
        top_elements = shown(page, "top-units-elements", "top_units_elements")
        published_elements = elements[(elements["system_id"] == system_id) & elements["geo_code"].isin(leaders)]
        assert_same_values(top_elements, published_elements, ["geo_code", "year", "element"], ["score", "rank_in_year"])


def test_unit_selector_carries_every_unit_year_of_the_system(report):
    index = published(report.publication_dir, "mart_nqpf_index")
    columns = {
        "NQPF index": "nqpf_index",
        "Laborers": "laborers_score",
        "Instruments of labour": "instruments_score",
        "Subjects of labour": "subjects_score",
    }
    for page in report.system_pages():
        unit_trends = shown(page, "unit-trend", "unit_trends").rename(columns=columns)
        assert_same_values(unit_trends, index[index["system_id"] == page.stem], ["geo_code", "year"], list(columns.values()))
        spec = chart_specs(page)["unit-trend"]
        (parameter,) = spec["params"]
        last = last_year_rows(index, page.stem)
        assert parameter["value"] == unit_trends.set_index("geo_code").loc[last["geo_code"].iloc[0], "label"].iloc[0]
        assert len(parameter["bind"]["options"]) == unit_trends["geo_code"].nunique()


def test_coordination_classes_count_the_published_classes(report):
    index = published(report.publication_dir, "mart_nqpf_index")
    for page in report.system_pages():
        counts = shown(page, "coordination-classes", "coordination_classes")
        expected = (
            index[index["system_id"] == page.stem].groupby(["year", "coordination_class"]).size().rename("units").reset_index()
        )
        assert_same_values(counts, expected, ["year", "coordination_class"], ["units"])
        assert counts["class_label"].str.contains(r"[\u4e00-\u9fff]").all(), "class labels carry the Chinese name"


def test_disparities_are_the_published_rows(report):
    disparities = published(report.publication_dir, "mart_nqpf_disparities")
    values = [
        "gini",
        "gini_within",
        "gini_between",
        "gini_transvariation",
        "theil",
        "theil_within",
        "theil_between",
        "coefficient_of_variation",
    ]
    for page in report.system_pages():
        specs = chart_specs(page)
        for chart_id in ("dagum-gini", "theil", "coefficient-of-variation"):
            rows = pd.DataFrame(specs[chart_id]["datasets"]["disparities"])
            assert_same_values(rows, disparities[disparities["system_id"] == page.stem], ["measure", "year"], values)


def test_growth_accounting_levels_and_nqpf_tfp_are_published_values(report):
    page = report.report_dir / "tfp.html"
    accounting = published(report.publication_dir, "mart_tfp_growth_accounting")
    levels = published(report.publication_dir, "mart_tfp_levels")
    nqpf_tfp = published(report.publication_dir, "mart_nqpf_tfp")
    shown_accounting = shown(page, "growth-accounting", "growth_accounting")
    economies = sorted(set(shown_accounting["economy_code"]))
    assert {"CHN", "USA"} <= set(economies)
    contributions = [
        "output_growth",
        "capital_contribution",
        "labour_quantity_contribution",
        "human_capital_contribution",
        "tfp_growth",
    ]
    assert_same_values(
        shown_accounting, accounting[accounting["economy_code"].isin(economies)], ["economy_code", "year"], contributions
    )
    # The select box starts on China.
    assert (
        chart_specs(page)["growth-accounting"]["params"][0]["value"]
        == shown_accounting.set_index("economy_code").loc["CHN", "label"].iloc[0]
    )

    shown_levels = shown(page, "tfp-levels", "tfp_levels")
    expected_levels = levels[levels["economy_code"].isin(economies) & levels["tfp_index"].notna()]
    assert_same_values(shown_levels, expected_levels, ["economy_code", "year"], ["tfp_index", "base_year"])

    for system_id in sorted(nqpf_tfp["system_id"].unique()):
        scatter = shown(page, f"nqpf-tfp-{system_id}", f"nqpf_tfp_{system_id}")
        rows = nqpf_tfp[
            (nqpf_tfp["system_id"] == system_id) & nqpf_tfp["nqpf_index"].notna() & nqpf_tfp["tfp_growth_avg_5y"].notna()
        ]
        assert_same_values(
            scatter,
            rows[rows["year"] == rows["year"].max()],
            ["economy_code"],
            ["year", "nqpf_index", "nqpf_rank", "tfp_growth_avg_5y", "tfp_growth"],
        )


def test_rank_intervals_are_the_uncertainty_tables_rows(synthetic_report):
    uncertainty = published(synthetic_report.publication_dir, "mart_nqpf_uncertainty")
    index = published(synthetic_report.publication_dir, "mart_nqpf_index")
    for page in synthetic_report.system_pages():
        intervals = shown(page, "rank-uncertainty", "rank_uncertainty")
        ranked = set(shown(page, "ranking", "ranking")["geo_code"])
        last_year = last_year_rows(index, page.stem)["year"].iloc[0]
        expected = uncertainty[
            (uncertainty["system_id"] == page.stem) & (uncertainty["year"] == last_year) & uncertainty["geo_code"].isin(ranked)
        ]
        assert len(expected) > 0
        assert_same_values(intervals, expected, ["geo_code"], ["year", "nominal_rank", "median_rank", "rank_p05", "rank_p95"])
        assert (intervals["rank_p05"] <= intervals["median_rank"]).all() and (
            intervals["median_rank"] <= intervals["rank_p95"]
        ).all()
