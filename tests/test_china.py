"""Chinese provincial tables: the generic connector, cleaning, capital stock, provincial index, disparities."""

import shutil
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from orchestration.lib.connectors import statistical
from orchestration.lib.connectors.errors import SourceSchemaError
from orchestration.lib.settings import DBT_PROJECT_DIR

from .conftest import MIRROR, dbt_error, run_dbt

TECHME = statistical.catalog()["china_techme"]
CAPITAL = statistical.catalog()["china_capital_stock"]
PROVINCES = pd.read_csv(DBT_PROJECT_DIR / "seeds" / "china_provinces.csv", dtype=str)


def published(refreshed, name: str) -> pd.DataFrame:
    return pd.read_parquet(refreshed.latest / "parquet" / f"{name}.parquet")


def warehouse(refreshed, query: str) -> pd.DataFrame:
    with duckdb.connect(str(refreshed.data_dir / "warehouse" / "nqpf.duckdb"), read_only=True) as con:
        return con.execute(query).df()


# ---------------------------------------------------------------- the connector


def test_the_connector_reads_a_long_table_as_configured():
    path = MIRROR / TECHME.mirror_path("RDIntense_raw.csv")
    parsed = TECHME.parse(path, "RDIntense_raw.csv")
    frame = parsed.frame
    raw = pd.read_csv(path)
    assert len(frame) == len(raw) and parsed.dropped_duplicates == []
    assert list(frame.columns) == statistical.COLUMNS
    first = frame.iloc[0]
    assert (first.region_label, first.year, first.variable, first.value, first.published_unit, first.source_line) == (
        raw.province[0],
        raw.year[0],
        raw.variables[0],
        raw.value[0],
        raw.units[0],
        2,
    )


def test_the_connector_melts_a_wide_table_as_configured():
    path = MIRROR / CAPITAL.mirror_path("asset.csv")
    frame = CAPITAL.parse(path, "asset.csv").frame
    raw = pd.read_csv(path)
    assert len(frame) == 4 * len(raw)
    beijing = frame[(frame.region_label == "beijing") & (frame.year == 2022)].set_index("variable")
    expected = raw[(raw.prv == "beijing") & (raw.yr == 2022)].iloc[0]
    assert beijing.loc["invest", ["value", "published_unit"]].tolist() == [expected.invest, "亿元"]
    assert beijing.loc["InvestPrice", ["value", "published_unit"]].tolist() == [expected.InvestPrice, "index"]


def edited(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "RDIntense_raw.csv"
    path.write_text(text, encoding="utf-8")
    return path


HEADER = "province,year,chn_block4,value,units,variables\n"


def test_bad_rows_are_named(tmp_path):
    missing_year = edited(tmp_path, HEADER + "北京,2023,RD经费,2947.1,亿元,v4_ztr_jf_RD\n天津,,RD经费,599.2,亿元,v4_ztr_jf_RD\n")
    with pytest.raises(SourceSchemaError) as error:
        TECHME.parse(missing_year, "RDIntense_raw.csv")
    assert str(error.value) == "china_techme: file RDIntense_raw.csv, column 'year', row 2 (line 3): key value is missing"

    text_value = edited(tmp_path, HEADER + "北京,2023,RD经费,2947.1亿,亿元,v4_ztr_jf_RD\n")
    with pytest.raises(SourceSchemaError) as error:
        TECHME.parse(text_value, "RDIntense_raw.csv")
    assert (
        str(error.value) == "china_techme: file RDIntense_raw.csv, column 'value', row 1 (line 2): non-numeric value '2947.1亿'"
    )

    twice = edited(tmp_path, HEADER + "北京,2023,RD经费,2947.1,亿元,v4_ztr_jf_RD\n北京,2023,RD经费,2950,亿元,v4_ztr_jf_RD\n")
    with pytest.raises(SourceSchemaError) as error:
        TECHME.parse(twice, "RDIntense_raw.csv")
    assert str(error.value) == (
        "china_techme: file RDIntense_raw.csv, column 'province, variables, year', row 2 (line 3): duplicated key "
        "(province=北京, variables=v4_ztr_jf_RD, year=2023), first seen at row 1 (line 2)"
    )


# ---------------------------------------------------------------- cleaning


def test_every_label_maps_to_one_of_31_provinces_or_an_aggregate(refreshed):
    cleaned = warehouse(refreshed, "select * from intermediate.int_china__observations")
    provinces = cleaned[cleaned.kind == "province"]
    assert sorted(provinces.province_code.unique()) == sorted(PROVINCES.province_code)
    labels = warehouse(refreshed, "select distinct region_label from raw.china_techme")["region_label"]
    typos = {"内蒙占": "150000", "山两": "140000", "两藏": "540000", "浙汀": "330000", "江两": "360000"}
    for label, code in typos.items():
        assert label in set(labels)
        raw = warehouse(
            refreshed, f"select variable, year, value from raw.china_techme where region_label = '{label}' limit 1"
        ).iloc[0]
        row = provinces[(provinces.variable == raw.variable) & (provinces.year == raw.year) & (provinces.province_code == code)]
        assert len(row) == 1, label
    spaced = [label for label in labels if " " in label]
    assert spaced  # stray spaces in the files ("上 海"): mapped after removing whitespace
    assert set(cleaned[cleaned.kind == "national"].unit_code) == {"全国"}
    assert set(cleaned[cleaned.kind == "regional_aggregate"].unit_code) == {"尔部地区"}
    pinyin = warehouse(refreshed, "select distinct region_label from raw.china_capital_stock")["region_label"]
    seed = PROVINCES.set_index("pinyin")["province_code"]
    assert seed["shaanxi"] == "610000" and seed["shanxi"] == "140000" and set(pinyin) == set(seed.index)


def test_units_are_harmonised_and_known_wrong_units_flagged(refreshed):
    cleaned = warehouse(refreshed, "select * from intermediate.int_china__observations where kind = 'province'")
    raw = warehouse(
        refreshed, "select * from raw.china_techme where region_label = '北京' and variable = 'v4_cg_jssc_je' and year = 2020"
    )
    turnover = cleaned[(cleaned.province_code == "110000") & (cleaned.variable == "v4_cg_jssc_je") & (cleaned.year == 2020)].iloc[
        0
    ]
    assert raw.published_unit.item() == "万元" and turnover.unit == "亿元"
    assert turnover.value == pytest.approx(raw.value.item() * 1e-4, rel=1e-15)
    fte = cleaned[(cleaned.variable == "v4_cy_RDhd_qsdl")]
    assert set(fte.unit) == {"人年"}
    assert set(fte[fte.unit_corrected].year) == {2020}  # printed as 万元 in the 2020 table
    assert cleaned.groupby("variable")["unit"].nunique().max() == 1
    statistics = published(refreshed, "mart_china_statistics")  # what analysts see
    flagged = statistics[statistics.unit_corrected].groupby("variable")["year"].unique().map(sorted).to_dict()
    assert flagged == {
        "v4_cy_RDhd_qsdl": [2020],
        "v4_cy_RDhd_yfjgs": [2020],
        "v4_cy_xcp_kfxm": [2020],
        "v4_cy_qyzl_fms": [2018, 2019, 2020, 2022, 2023],
    }


def test_national_totals_stay_out_of_the_provincial_index(refreshed):
    index = published(refreshed, "mart_nqpf_index")
    provincial = index[index.system_id == "china_provinces"]
    assert set(provincial.geo_code) == set(PROVINCES.province_code)
    assert (provincial.groupby("year").size() == 31).all()
    assert (provincial.year.min(), provincial.year.max()) == (2011, 2023)
    assert (provincial[provincial.nqpf_rank == 1].geo_name == "Beijing").all()


# ---------------------------------------------------------------- capital stock


def expected_capital_stock(delta: float = 0.096) -> pd.DataFrame:
    """Zhang Jun's perpetual inventory, by plain loops over the mirror file."""
    frame = pd.read_csv(MIRROR / CAPITAL.mirror_path("asset.csv")).sort_values(["prv", "yr"])
    rows = []
    for province, series in frame.groupby("prv"):
        stock = None
        for row in series.itertuples():
            real = row.invest / row.InvestPrice
            stock = real / 0.1 if stock is None else (1 - delta) * stock + real
            rows.append({"pinyin": province, "year": int(row.yr), "capital_stock": stock})
    return pd.DataFrame(rows)


def test_capital_stock_reproduces_zhang_jun(refreshed):
    stock = published(refreshed, "mart_china_capital_stock")
    beijing = stock[(stock.province_code == "110000") & (stock.year == 2022)].capital_stock.item()
    assert round(beijing, 3) == 40271.136
    expected = expected_capital_stock().merge(PROVINCES[["pinyin", "province_code"]], on="pinyin")
    merged = stock.merge(expected, on=["province_code", "year"], suffixes=("", "_expected"), validate="1:1")
    assert len(merged) == len(stock) == len(expected) == 2157
    np.testing.assert_allclose(merged.capital_stock, merged.capital_stock_expected, rtol=1e-12)
    chongqing = stock[stock.province_code == "500000"]
    assert chongqing.year.min() == 1996 and set(chongqing.start_year) == {1996}


def test_capital_stock_base_year_and_delta_are_dbt_vars(refreshed, tmp_path):
    (tmp_path / "warehouse").mkdir()
    shutil.copyfile(refreshed.data_dir / "warehouse" / "nqpf.duckdb", tmp_path / "warehouse" / "nqpf.duckdb")
    run = run_dbt(
        tmp_path,
        "run",
        "--select",
        "int_china__capital_stock",
        "mart_china_capital_stock",
        "--vars",
        "{china_capital_depreciation: 0.05}",
    )
    assert run.returncode == 0, run.stdout[-2000:]
    with duckdb.connect(str(tmp_path / "warehouse" / "nqpf.duckdb"), read_only=True) as con:
        stock = con.execute("select * from marts.mart_china_capital_stock").df()
    expected = expected_capital_stock(delta=0.05).merge(PROVINCES[["pinyin", "province_code"]], on="pinyin")
    merged = stock.merge(expected, on=["province_code", "year"], suffixes=("", "_expected"), validate="1:1")
    np.testing.assert_allclose(merged.capital_stock, merged.capital_stock_expected, rtol=1e-12)
    assert set(stock.depreciation_rate) == {0.05}


# ---------------------------------------------------------------- bad input reaching dbt


# the landed columns a test row fills (region_code stays null, as in the yearbook tables)
RAW_COLUMNS = "(region_label, year, variable, variable_label, value, published_unit, source_file, source_line)"


def cleaning_scratch(refreshed) -> Path:
    """The data folder the cleaning-error tests run dbt on (see cleaning_error)."""
    return refreshed.data_dir.parent / "cleaning-scratch"


def cleaning_error(refreshed, statement: str) -> str:
    """Apply ``statement`` to a copy of the warehouse's raw tables, rebuild the cleaning model, return dbt's message.

    Every such test runs dbt on the same scratch folder beside the shared refresh (they share its
    xdist group, so they run one after another): dbt keys its partial parse by the warehouse path,
    and a new folder per test would make it parse the whole project again, about 6 s each.
    """
    scratch = cleaning_scratch(refreshed)
    database = scratch / "warehouse" / "nqpf.duckdb"
    database.parent.mkdir(parents=True, exist_ok=True)
    database.with_name(database.name + ".wal").unlink(missing_ok=True)  # never replay the last test's log on this copy
    shutil.copyfile(refreshed.data_dir / "warehouse" / "nqpf.duckdb", database)
    with duckdb.connect(str(database)) as con:
        con.execute(statement)
    return dbt_error(run_dbt(scratch, "run", "--select", "int_china__observations"), scratch)


def headline_and_rows(message: str) -> list[str]:
    """The lines raise_if_rows wrote: the headline and one per offending row (dbt indents them)."""
    lines = [line.strip() for line in message.splitlines()[1:]]
    return lines[: lines.index("")]


def test_an_unknown_label_stops_the_build_with_a_list(refreshed):
    message = cleaning_error(
        refreshed,
        f"""
        insert into raw.china_techme {RAW_COLUMNS} values
        ('北平', 2023, 'v4_ztr_jf_RD', 'RD经费', 1.0, '亿元', 'RDIntense_raw.csv', 900),
        ('北平', 2022, 'v4_ztr_jf_RD', 'RD经费', 1.0, '亿元', 'RDIntense_raw.csv', 901),
        ('x''); drop table raw.pwt; --', 2022, 'v4_ztr_jf_RD', 'RD经费', 1.0, '亿元', 'RDIntense_raw.csv', 902)""",
    )
    assert headline_and_rows(message) == [
        "region labels that the seed china_region_labels does not know (source | label | values | first at); "
        "add them to dbt_project/seeds/china_region_labels.csv:",
        "- china | x'); drop table raw.pwt; -- | 1 | RDIntense_raw.csv line 902",
        "- china | 北平 | 2 | RDIntense_raw.csv line 900",
    ]
    # a label shaped like SQL travels as data: it is listed, and it ran nothing
    with duckdb.connect(str(cleaning_scratch(refreshed) / "warehouse" / "nqpf.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from raw.pwt").fetchone()[0] == 12810


def test_a_wrong_unit_stops_the_build(refreshed):
    message = cleaning_error(
        refreshed,
        """
        update raw.china_techme set published_unit = '件' where region_label = '北京' and variable = 'v4_ztr_jf_RD' and year = 2023""",
    )
    (headline, row) = headline_and_rows(message)
    assert headline == (
        "variables published in more than one unit, not covered by china_unit_corrections (source | variable | units (years)):"
    )
    assert row.startswith("- china | v4_ztr_jf_RD | 亿元 (2011), ") and row.endswith(", 件 (2023)")


def test_a_province_year_published_twice_stops_the_build(refreshed):
    message = cleaning_error(
        refreshed,
        f"""
        insert into raw.china_techme {RAW_COLUMNS} values ('北 京', 2023, 'v4_ztr_jf_RD', 'RD经费', 2000.0, '亿元', 'extra.csv', 2)""",
    )
    (headline, row) = headline_and_rows(message)
    assert headline == (
        "province-years published twice with values more than one published unit apart "
        "(source | province | variable | year | values):"
    )
    assert row.startswith("- china | 110000 | v4_ztr_jf_RD | 2023 | ")
    assert set(row.split(" | ")[-1].split("; ")) == {
        f"2947.1 at {MIRROR / TECHME.mirror_path('RDIntense_raw.csv')} line 3",
        "2000.0 at extra.csv line 2",
    }


# ---------------------------------------------------------------- disparities


def dagum(y: np.ndarray, regions: np.ndarray) -> dict[str, float]:
    """Dagum (1997) written out with numpy, pair by pair."""
    n, mu = len(y), y.mean()
    gini = np.abs(y[:, None] - y[None, :]).sum() / (2 * n * n * mu)
    groups = {r: y[regions == r] for r in np.unique(regions)}
    p = {r: len(g) / n for r, g in groups.items()}
    s = {r: len(g) * g.mean() / (n * mu) for r, g in groups.items()}
    within = sum(np.abs(g[:, None] - g[None, :]).sum() / (2 * len(g) ** 2 * g.mean()) * p[r] * s[r] for r, g in groups.items())
    between = transvariation = 0.0
    names = sorted(groups, key=lambda r: groups[r].mean())
    for a, j in enumerate(names):
        for h in names[:a]:  # mean of j >= mean of h
            yj, yh = groups[j], groups[h]
            diff = yj[:, None] - yh[None, :]
            g_jh = np.abs(diff).sum() / (len(yj) * len(yh) * (yj.mean() + yh.mean()))
            d, q = np.clip(diff, 0, None).mean(), np.clip(-diff, 0, None).mean()
            weight = p[j] * s[h] + p[h] * s[j]
            between += g_jh * weight * (d - q) / (d + q)
            transvariation += g_jh * weight * (1 - (d - q) / (d + q))
    theil = np.mean(y / mu * np.log(y / mu))
    theil_within = sum(s[r] * np.mean(g / g.mean() * np.log(g / g.mean())) for r, g in groups.items())
    return {
        "gini": gini,
        "gini_within": within,
        "gini_between": between,
        "gini_transvariation": transvariation,
        "theil": theil,
        "theil_within": theil_within,
        "theil_between": theil - theil_within,
        "coefficient_of_variation": y.std() / mu,
    }


def test_disparities_against_numpy_on_the_real_panel(refreshed):
    disparities = published(refreshed, "mart_nqpf_disparities").set_index(["system_id", "year", "measure"])
    index = published(refreshed, "mart_nqpf_index")
    geographies = published(refreshed, "dim_geographies")
    index = index.merge(geographies[["geo_code", "region"]].drop_duplicates("geo_code"), on="geo_code")
    checked = 0
    for (system, year), frame in index.groupby(["system_id", "year"]):
        for measure in ("nqpf_index", "subjects_score"):
            expected = dagum(frame[measure].to_numpy(), frame["region"].to_numpy())
            row = disparities.loc[(system, year, measure)]
            for column, value in expected.items():
                assert row[column] == pytest.approx(value, abs=1e-9), (system, year, measure, column)
            checked += 1
    assert checked == 2 * (24 + 13 + 8)  # cross_country 2000-2023, china_provinces 2011-2023, china_provinces_full 2011-2018
    parts = disparities.gini_within + disparities.gini_between + disparities.gini_transvariation
    assert (parts - disparities.gini).abs().max() <= 1e-12
    assert (disparities.theil_within + disparities.theil_between - disparities.theil).abs().max() <= 1e-12
    china = disparities.loc[("china_provinces", 2023, "nqpf_index")]
    assert (china.units, china.regions) == (31, 4)
