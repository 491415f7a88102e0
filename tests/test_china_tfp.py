"""Provincial TFP growth accounting, GDP vintages, the digital-and-green system, and bad NBS input reaching dbt."""

import json
import shutil

import duckdb
import numpy as np
import pandas as pd

from .conftest import MIRROR, run_dbt
from .test_china import PROVINCES, RAW_COLUMNS, cleaning_error, headline_and_rows, published, warehouse

SYSTEM = "china_provinces_full"
DEFAULT_SHARE = 0.5  # dbt var china_labour_share_default


def pwt_human_capital(schooling: pd.Series) -> pd.Series:
    """PWT 9+ human capital from average years of schooling, piece by piece (Psacharopoulos 1994 returns)."""
    s = schooling.to_numpy()
    exponent = np.where(s <= 4, 0.134 * s, np.where(s <= 8, 0.536 + 0.101 * (s - 4), 0.536 + 0.404 + 0.068 * (s - 8)))
    return pd.Series(np.exp(exponent), index=schooling.index)


def tfp_inputs(refreshed) -> pd.DataFrame:
    return warehouse(refreshed, "select * from intermediate.int_china__tfp_inputs order by province_code, year")


# ---------------------------------------------------------------- inputs against the files


def test_growth_accounting_inputs_equal_the_files(refreshed):
    inputs = tfp_inputs(refreshed).set_index(["province_code", "year"])
    beijing_2019 = inputs.loc[("110000", 2019)]
    # 地区生产总值.csv and 地区生产总值指数.csv, line 2: 35445.1 and 106.1
    assert (beijing_2019.nominal_gdp, beijing_2019.gdp_index) == (35445.1, 106.1)
    # the 2019 sample survey: 15743 persons aged 6+, 311 / 1344 / 3087 / 3052 / 7948 by level
    assert beijing_2019.average_schooling == (6 * 1344 + 9 * 3087 + 12 * 3052 + 16 * 7948) / 15743
    assert beijing_2019.schooling_fill == "observed"
    # the workbook's sheet "employment ", row Beijing, column 2018: 1237.81 (10 thousand persons)
    assert inputs.loc[("110000", 2018)].employed_persons == 1237.81
    stock = published(refreshed, "mart_china_capital_stock").set_index(["province_code", "year"]).capital_stock
    joined = inputs.join(stock.rename("published_stock"), how="inner")
    np.testing.assert_array_equal(joined.capital_stock, joined.published_stock)
    # 2010, a census year without the survey, lies on the line between 2009 and 2011
    beijing = inputs.loc["110000"]
    assert beijing.loc[2010].schooling_fill == "interpolated"
    assert np.isclose(
        beijing.loc[2010].average_schooling, (beijing.loc[2009].average_schooling + beijing.loc[2011].average_schooling) / 2
    )
    # the labour share is compensation over income-approach GDP where published, else the default
    shares = inputs[inputs.labour_share_source == "income approach"]
    assert shares.labour_share.between(0.3, 0.7).all() and len(shares) > 500
    assert set(inputs[inputs.labour_share_source == "default"].labour_share) == {DEFAULT_SHARE}


# ---------------------------------------------------------------- the accounting against pandas


def expected_accounting(inputs: pd.DataFrame) -> pd.DataFrame:
    """Tornqvist growth accounting written out with pandas over consecutive years."""
    frame = inputs.sort_values(["province_code", "year"]).copy()
    frame["human_capital_expected"] = pwt_human_capital(frame.average_schooling)
    previous = frame.groupby("province_code").shift(1)
    out = pd.DataFrame({"province_code": frame.province_code, "year": frame.year})
    out["output_growth"] = np.log(frame.gdp_index / 100)
    out["capital_growth"] = np.log(frame.capital_stock / previous.capital_stock)
    out["employment_growth"] = np.log(frame.employed_persons / previous.employed_persons)
    out["human_capital_growth"] = np.log(frame.human_capital_expected / previous.human_capital_expected)
    out["labour_share_avg"] = (frame.labour_share + previous.labour_share) / 2
    alpha = out.labour_share_avg
    out["tfp_growth"] = (
        out.output_growth - (1 - alpha) * out.capital_growth - alpha * (out.employment_growth + out.human_capital_growth)
    )
    out["tfp_growth_default_share"] = (
        out.output_growth
        - (1 - DEFAULT_SHARE) * out.capital_growth
        - DEFAULT_SHARE * (out.employment_growth + out.human_capital_growth)
    )
    consecutive = frame.year - previous.year == 1
    return out[consecutive].dropna().reset_index(drop=True)


def test_growth_accounting_reproduces_a_pandas_computation(refreshed):
    accounting = published(refreshed, "mart_china_tfp_growth_accounting")
    assert len(accounting) == 558 and accounting.province_code.nunique() == 31
    assert (accounting.year.min(), accounting.year.max()) == (2001, 2018)
    expected = expected_accounting(tfp_inputs(refreshed))
    merged = accounting.merge(expected, on=["province_code", "year"], suffixes=("", "_expected"), validate="1:1")
    assert len(merged) == len(accounting) == len(expected)
    for column in (
        "output_growth",
        "capital_growth",
        "employment_growth",
        "human_capital_growth",
        "labour_share_avg",
        "tfp_growth",
        "tfp_growth_default_share",
    ):
        np.testing.assert_allclose(merged[column], merged[f"{column}_expected"], rtol=1e-12, atol=1e-15, err_msg=column)
    np.testing.assert_allclose(accounting.human_capital, pwt_human_capital(accounting.average_schooling), rtol=1e-12)


def test_contributions_add_up_exactly(refreshed):
    a = published(refreshed, "mart_china_tfp_growth_accounting")
    np.testing.assert_allclose(a.capital_contribution + a.labour_contribution + a.tfp_growth, a.output_growth, rtol=0, atol=1e-15)
    np.testing.assert_allclose(
        a.employment_contribution + a.human_capital_contribution, a.labour_contribution, rtol=0, atol=1e-15
    )
    np.testing.assert_allclose(a.labour_productivity_growth, a.output_growth - a.employment_growth, rtol=0, atol=1e-15)
    # the income-approach share exists to 2017; 2018 is accounted with the default, and says so
    assert set(a[a.year == 2018].labour_share_source) == {"default"}
    assert (a[a.year < 2018].labour_share_source == "income approach").all()


def test_tfp_levels_cumulate_growth_from_2010(refreshed):
    growth = published(refreshed, "mart_china_tfp_growth_accounting").sort_values(["province_code", "year"])
    levels = published(refreshed, "mart_china_tfp_levels").merge(growth, on=["province_code", "year"])
    cumulative = levels.groupby("province_code").tfp_growth.cumsum()
    base = cumulative.where(levels.year == 2010).groupby(levels.province_code).transform("max")
    np.testing.assert_allclose(levels.tfp_index, np.exp(cumulative - base), rtol=1e-12)
    assert (levels[levels.year == 2010].tfp_index == 1).all()
    five = levels.groupby("province_code").tfp_growth.transform(lambda s: s.rolling(5).mean())
    np.testing.assert_allclose(levels.tfp_growth_avg_5y, five, rtol=1e-12, equal_nan=True)
    assert levels[levels.year < 2005].tfp_growth_avg_5y.isna().all()


# ---------------------------------------------------------------- vintages


def test_gdp_vintages_stand_side_by_side_and_are_never_spliced(refreshed):
    vintages = published(refreshed, "mart_china_gdp_vintages").set_index(["province_code", "year"])
    beijing = vintages.loc[("110000", 2019)]
    assert (beijing.gdp_4th_census, beijing.gdp_5th_census, beijing.coverage) == (35445.1, 37767.0, "both")
    assert beijing.vintage_ratio == 37767.0 / 35445.1
    coverage = vintages.reset_index().groupby("coverage").year.agg(["min", "max"])
    assert coverage.to_dict("index") == {
        "4th census only": {"min": 2000, "max": 2005},
        "both": {"min": 2006, "max": 2019},
        "5th census only": {"min": 2020, "max": 2024},
    }
    # each vintage stays its own series; growth accounting reads the 4th-census one only
    statistics = published(refreshed, "mart_china_statistics")
    gdp = statistics[statistics.variable == "nbs_gdp"]
    assert gdp.groupby("source").year.agg(["min", "max"]).values.tolist() == [[2000, 2019], [2006, 2024]]
    inputs = tfp_inputs(refreshed).set_index(["province_code", "year"]).nominal_gdp.dropna()
    np.testing.assert_array_equal(inputs, vintages.loc[inputs.index].gdp_4th_census)


# ---------------------------------------------------------------- implausible jumps


def test_an_implausible_jump_stops_the_build_unless_it_is_a_known_break(refreshed, tmp_path):
    inputs = tfp_inputs(refreshed).set_index(["province_code", "year"])
    beijing = inputs.loc["110000"].employed_persons
    assert np.log(beijing.loc[2004] / beijing.loc[2003]) > np.log(1.2)  # listed in china_known_breaks: passes
    (tmp_path / "warehouse").mkdir()
    database = tmp_path / "warehouse" / "nqpf.duckdb"
    shutil.copyfile(refreshed.data_dir / "warehouse" / "nqpf.duckdb", database)
    with duckdb.connect(str(database)) as con:
        con.execute("update raw.china_employment set value = value * 1.3 where region_label = 'Shanghai' and year = 2012")
    run = run_dbt(
        tmp_path,
        "build",
        "--store-failures",
        "--select",
        "int_china__observations",
        "int_china__tfp_inputs",
        "china_tfp_inputs_jump_only_at_known_breaks",
    )
    assert run.returncode == 1, run.stdout[-2000:]
    results = json.loads((tmp_path / "target" / "run_results.json").read_text())["results"]
    failed = {r["unique_id"]: r["failures"] for r in results if r["status"] == "fail"}
    assert failed == {"test.nqpf.china_tfp_inputs_jump_only_at_known_breaks": 2}
    with duckdb.connect(str(database), read_only=True) as con:
        (relation,) = [r for r in results if r["status"] == "fail"][0]["relation_name"].split(" ")
        jumps = con.execute(f"select province_code, year, variable, change from {relation} order by year").fetchall()
    # up by ln 1.3 in 2012 and back down in 2013 (Shanghai's own growth beside it)
    assert [(code, year, variable) for code, year, variable, _ in jumps] == [
        ("310000", 2012, "employed_persons"),
        ("310000", 2013, "employed_persons"),
    ]
    shanghai = inputs.loc["310000"].employed_persons
    assert np.isclose(jumps[0][3], np.log(1.3 * shanghai.loc[2012] / shanghai.loc[2011]))
    assert np.isclose(jumps[1][3], np.log(shanghai.loc[2013] / (1.3 * shanghai.loc[2012])))


# ---------------------------------------------------------------- the system with all three elements


def test_the_provincial_system_has_digital_and_green_indicators_in_all_three_elements(refreshed):
    weights = published(refreshed, "mart_nqpf_indicator_weights")
    system = weights[weights.system_id == SYSTEM]
    assert system.groupby("element").size().to_dict() == {"instruments_of_labor": 5, "laborers": 4, "subjects_of_labor": 8}
    digital_and_green = {
        "broadband_ports",
        "telecom_volume",
        "software_revenue",
        "ecommerce_sales",
        "electricity_intensity",
        "co2_intensity",
        "so2_intensity",
        "forest_cover",
    }
    assert digital_and_green <= set(system.indicator_id)
    index = published(refreshed, "mart_nqpf_index")
    provincial = index[index.system_id == SYSTEM]
    assert set(provincial.geo_code) == set(PROVINCES.province_code)
    assert provincial.groupby("year").size().to_dict() == dict.fromkeys(range(2011, 2019), 31)
    assert (provincial[provincial.nqpf_rank == 1].geo_name == "Beijing").all()
    assert provincial.share_missing.max() == 0  # every indicator published or filled in every year of the window


def test_a_digital_indicator_equals_the_published_tables(refreshed):
    panel = published(refreshed, "mart_nqpf_panel")
    row = panel[
        (panel.system_id == SYSTEM)
        & (panel.indicator_id == "broadband_ports")
        & (panel.geo_code == "110000")
        & (panel.year == 2018)
    ]
    # 互联网主要指标发展情况.csv and 总人口.csv, Beijing 2018: ports (10 thousand) per 100 residents
    ports = pd.read_csv(MIRROR / "china/nbs_provincial/运输和邮电/互联网主要指标发展情况.csv", dtype={"省份编码": str})
    population = pd.read_csv(MIRROR / "china/nbs_provincial/人口/总人口.csv", dtype={"省份编码": str})
    pick = lambda frame, column: frame[(frame["省份编码"] == "110000") & (frame["年份"] == 2018)][column].item()  # noqa: E731
    expected = pick(ports, "互联网宽带接入端口(万个)") / pick(population, "年末常住人口(万人)") * 100
    assert row.indicator_value.item() == expected


def test_the_provincial_index_stands_beside_provincial_tfp(refreshed):
    tfp = published(refreshed, "mart_nqpf_tfp")
    beside = tfp[tfp.system_id == SYSTEM]
    assert len(beside) == 31 * 8 and beside.tfp_growth.notna().all()
    accounting = published(refreshed, "mart_china_tfp_growth_accounting")
    merged = beside.merge(
        accounting, left_on=["economy_code", "year"], right_on=["province_code", "year"], suffixes=("", "_accounting")
    )
    assert len(merged) == len(beside)
    np.testing.assert_array_equal(merged.tfp_growth, merged.tfp_growth_accounting)


# ---------------------------------------------------------------- bad NBS input reaching dbt


def test_a_province_code_that_contradicts_its_label_stops_the_build(refreshed):
    message = cleaning_error(
        refreshed,
        "update raw.china_nbs set region_code = '120000' where region_label = '北京市' and variable = 'nbs_gdp' and year = 2019",
    )
    assert headline_and_rows(message) == [
        "region codes that are not the GB/T 2260 code of their label (source | label | code | label's code | values | "
        "first at); fix the label or the code in dbt_project/seeds/china_region_labels.csv:",
        f"- china_nbs | 北京市 | 120000 | 110000 | 1 | {MIRROR}/china/nbs_provincial/国民经济核算/地区生产总值.csv line 2",
    ]


def test_an_unknown_ceads_code_stops_the_build(refreshed):
    message = cleaning_error(
        refreshed,
        f"insert into raw.china_co2 {RAW_COLUMNS} values ('CN-TW', 2019, 'co2_emissions', 'CO2', 1.0, 't', 'EmissionsAgg.csv', 700)",
    )
    assert headline_and_rows(message)[1:] == ["- china_co2 | CN-TW | 1 | EmissionsAgg.csv line 700"]


def test_a_unit_that_changes_within_a_series_stops_the_build(refreshed):
    message = cleaning_error(
        refreshed,
        "update raw.china_nbs set published_unit = '万人' where region_label = '北京市' and variable = 'nbs_gdp' and year = 2019",
    )
    assert headline_and_rows(message) == [
        "variables published in more than one unit, not covered by china_unit_corrections (source | variable | units (years)):",
        # listed in text order: 万 sorts before 亿
        "- china_nbs | nbs_gdp | 万人 (2019), " + ", ".join(f"亿元 ({y})" for y in range(2000, 2020)),
    ]


def test_a_national_total_or_regional_aggregate_among_the_provinces_is_recorded_not_used(refreshed, tmp_path):
    (tmp_path / "warehouse").mkdir()
    database = tmp_path / "warehouse" / "nqpf.duckdb"
    shutil.copyfile(refreshed.data_dir / "warehouse" / "nqpf.duckdb", database)
    with duckdb.connect(str(database)) as con:
        con.execute(
            f"""insert into raw.china_nbs {RAW_COLUMNS.replace("(region_label,", "(region_label, region_code,")} values
            ('全国', '100000', 2018, 'nbs_broadband_ports', '互联网宽带接入端口', 86752.3, '万个', 'ports.csv', 33),
            ('东部地区', null, 2018, 'nbs_broadband_ports', '互联网宽带接入端口', 40000.0, '万个', 'ports.csv', 34)"""
        )
    run = run_dbt(
        tmp_path,
        "run",
        "--select",
        "int_china__observations",
        "int_observations",
        "mart_source_exclusions",
        "mart_china_statistics",
    )
    assert run.returncode == 0, run.stdout[-3000:]
    with duckdb.connect(str(database), read_only=True) as con:
        excluded = con.execute(
            "select source_code, reason_code, values_excluded, example_file, example_line from marts.mart_source_exclusions "
            "where source = 'china_nbs' order by source_code"
        ).fetchall()
        in_statistics = con.execute(
            "select count(*) from marts.mart_china_statistics where source = 'china_nbs' and source_line in (33, 34) and source_file = 'ports.csv'"
        ).fetchone()[0]
    assert excluded == [("东部地区", "aggregate", 1, "ports.csv", 34), ("全国", "aggregate", 1, "ports.csv", 33)]
    assert in_statistics == 0
