"""China's NBS provincial tables, NBS exports, the employment workbook and CEADs: the four layouts and their bad input."""

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from orchestration.lib.connectors import statistical
from orchestration.lib.connectors.errors import ConfigurationError, SourceSchemaError

from .conftest import MIRROR

CATALOG = statistical.catalog()
NBS, EXPORTS, EMPLOYMENT, CO2 = (CATALOG[n] for n in ("china_nbs", "china_nbs_exports", "china_employment", "china_co2"))
GDP_FILE = "国民经济核算/地区生产总值.csv"
EXPORT_FILE = "分省年度数据.csv"
WORKBOOK = "provincial_gpi_inputs.xlsx"


def parse_mirror(dataset, file: str) -> pd.DataFrame:
    return dataset.parse(MIRROR / dataset.mirror_path(file), dataset.mirror_path(file), file)


def row(frame: pd.DataFrame, label: str, year: int) -> pd.Series:
    (found,) = frame[(frame.region_label == label) & (frame.year == year)].itertuples(index=False)
    return pd.Series(found._asdict())


# ---------------------------------------------------------------- the four layouts on the mirror
# Values checked by hand in the files (a text editor, LibreOffice for the workbook).


def test_nbs_tables_take_the_unit_from_the_header_and_keep_the_province_code():
    parsed = parse_mirror(NBS, GDP_FILE)
    assert list(parsed.frame.columns) == statistical.COLUMNS
    beijing = row(parsed.frame, "北京市", 2019)
    assert beijing[["region_code", "variable", "variable_label", "value", "published_unit", "source_line"]].tolist() == [
        "110000",
        "nbs_gdp",
        "地区生产总值",
        35445.1,
        "亿元",
        2,
    ]
    assert len(parsed.frame) == 31 * 20 and parsed.frame.year.between(2000, 2019).all()
    # a table of several columns lands the configured ones, each with its own unit
    survey = parse_mirror(NBS, "人口/人口抽样调查样本数据/按受教育程度分人口数(人口抽样调查).csv").frame
    beijing = survey[(survey.region_code == "110000") & (survey.year == 2019)].set_index("variable")
    assert beijing.value.to_dict() == {
        "nbs_schooling_population": 15743,
        "nbs_schooling_none": 311,
        "nbs_schooling_primary": 1344,
        "nbs_schooling_junior": 3087,
        "nbs_schooling_senior": 3052,
        "nbs_schooling_tertiary": 7948,
    }
    assert set(beijing.published_unit) == {"人"}


def test_an_nbs_export_is_read_through_its_preamble_and_keeps_its_footnotes():
    parsed = parse_mirror(EXPORTS, EXPORT_FILE)
    frame = parsed.frame
    assert len(frame) == 31 * 19 and (frame.year.min(), frame.year.max()) == (2006, 2024)
    beijing = row(frame, "北京市", 2019)
    assert beijing[["variable", "value", "published_unit", "source_line"]].tolist() == ["nbs_gdp", 37767.0, "亿元", 5]
    assert row(frame, "新疆维吾尔自治区", 2006).value == 2984.5
    assert parsed.remarks == [
        "footnote: 注：按照我国国民经济核算数据修订制度和国际通行做法，在第五次全国经济普查后，"
        "对1992年-2023年地区生产总值历史数据进行了系统修订。",
        "footnote: 数据来源：国家统计局",
    ]


def test_a_workbook_sheet_with_a_trailing_space_in_its_name_is_read():
    frame = parse_mirror(EMPLOYMENT, WORKBOOK).frame
    assert row(frame, "Beijing", 2018)[["variable", "value", "published_unit", "source_line"]].tolist() == [
        "employed_persons",
        1237.81,
        "10k person",
        2,
    ]
    assert row(frame, "Hebei", 1985).value == 2555.43
    assert (frame.year.min(), frame.year.max()) == (1985, 2018)


def test_ceads_lands_with_its_iso_codes_and_constant_unit():
    frame = parse_mirror(CO2, "EmissionsAgg.csv").frame
    assert row(frame, "CN-AH", 1998)[["variable", "value", "published_unit"]].tolist() == ["co2_emissions", 109874646.0, "t"]
    assert frame.region_label.nunique() == 30 and "CN-XZ" not in set(frame.region_label)  # CEADs has no Tibet


# ---------------------------------------------------------------- bad input in the files


def export_text(
    *,
    preamble=("数据库：分省年度数据", "指标：地区生产总值(亿元)", "时间：最近20年"),
    header="地区,2019年,2018年",
    body=None,
    notes=None,
):
    body = ["北京市,37767.0,35161.4", "天津市,14097.2,13411.1"] if body is None else body
    notes = ["注：第五次全国经济普查后修订。", "数据来源：国家统计局"] if notes is None else notes
    return "\r\n".join([*preamble, header, *body, *notes]) + "\r\n"


def parse_export(tmp_path: Path, text: str, encoding: str = "gb18030"):
    path = tmp_path / EXPORT_FILE
    path.write_bytes(text.encode(encoding))
    return EXPORTS.parse(path, EXPORT_FILE)


def export_error(tmp_path: Path, text: str, encoding: str = "gb18030") -> str:
    with pytest.raises(SourceSchemaError) as error:
        parse_export(tmp_path, text, encoding)
    return str(error.value)


def test_a_good_export_fixture_parses(tmp_path):
    parsed = parse_export(tmp_path, export_text())
    assert parsed.frame[["region_label", "year", "value"]].values.tolist() == [
        ["北京市", 2019, 37767.0],
        ["天津市", 2019, 14097.2],
        ["北京市", 2018, 35161.4],
        ["天津市", 2018, 13411.1],
    ]
    assert parsed.remarks == ["footnote: 注：第五次全国经济普查后修订。", "footnote: 数据来源：国家统计局"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            export_text(preamble=("数据库：分省年度数据", "指标：地区生产总值(亿元)")),
            "line 3: the preamble changed: expected a line starting '时间：', found '地区,2019年,2018年'",
        ),
        (
            export_text(preamble=("数据库：分省年度数据", "指标：地区生产总值指数(上年=100)", "时间：最近20年")),
            "column '指标', line 2: holds '地区生产总值指数(上年=100)', expected '地区生产总值(亿元)'",
        ),
        (
            export_text(header="地区,2019年,合计"),
            "column '合计', line 4: the column '合计' is not a year (YYYY年)",
        ),
        (
            export_text(notes=["注：第五次全国经济普查后修订。", "上海市,38155.3,36011.8"]),
            "line 8: after the footnotes, a line that is neither a footnote nor blank: '上海市,38155.3,36011.8'",
        ),
        (
            export_text(body=["北京市,37767.0,35161.4", "地区,2019年,2018年", "天津市,14097.2,13411.1"]),
            "column '2019年', row 2 (line 6): non-numeric value '2019年'",
        ),
    ],
    ids=["preamble", "indicator", "year", "footnote_as_data", "second_header"],
)
def test_a_broken_export_is_named(tmp_path, text, message):
    assert export_error(tmp_path, text) == f"china_nbs_exports: file {EXPORT_FILE}, {message}"


def test_an_export_in_another_encoding_is_named(tmp_path):
    message = export_error(tmp_path, export_text(), encoding="utf-16")
    assert message.startswith(
        f"china_nbs_exports: file {EXPORT_FILE}, line 1: is not valid gb18030: byte 0xff at offset 0 cannot be decoded"
    )


def test_an_unknown_encoding_in_the_catalogue_is_named(tmp_path):
    text = statistical.CATALOG.read_text(encoding="utf-8").replace("encoding: gb18030", "encoding: gb-18030x", 1)
    bad = tmp_path / "statistical_tables.yml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigurationError) as error:
        statistical.catalog.__wrapped__(bad)
    assert str(error.value) == "statistical_tables.yml: dataset china_nbs_exports: unknown encoding 'gb-18030x'"


def nbs_table(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "地区生产总值.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


NBS_HEADER = "省份编码,省份,年份,地区生产总值(亿元),第一产业增加值(亿元)"


def nbs_error(tmp_path: Path, lines: list[str]) -> str:
    with pytest.raises(SourceSchemaError) as error:
        NBS.parse(nbs_table(tmp_path, lines), GDP_FILE, GDP_FILE)
    return str(error.value).removeprefix(f"china_nbs: file {GDP_FILE}, ")


def test_broken_nbs_tables_are_named(tmp_path):
    good = ["110000,北京市,2019,35445.1,113.7", "120000,天津市,2019,14104.3,185.2"]
    assert NBS.parse(nbs_table(tmp_path, [NBS_HEADER, *good]), GDP_FILE, GDP_FILE).frame.value.tolist() == [35445.1, 14104.3]
    assert nbs_error(tmp_path, [NBS_HEADER, good[0], NBS_HEADER, good[1]]) == (
        "line 3: the header row is repeated inside the data (a second header)"
    )
    assert nbs_error(tmp_path, [NBS_HEADER.replace("地区生产总值(亿元)", "地区生产总值(万美元)"), *good]) == (
        "column '万美元': unit '万美元' has no valid range in the seed source_value_ranges.csv"
    )
    assert nbs_error(tmp_path, [NBS_HEADER.replace("地区生产总值(亿元)", "地区生产总值"), *good]) == (
        "column '地区生产总值': no column '地区生产总值' (with its unit in parentheses)"
    )
    assert nbs_error(tmp_path, [NBS_HEADER, "110000,北京市,2019年,35445.1,113.7"]) == (
        "column '年份', row 1 (line 2): non-numeric value '2019年'"
    )
    # a footnote in a data row is not a number
    assert nbs_error(tmp_path, [NBS_HEADER, *good, "110000,北京市,2018,注：按新口径,"]) == (
        "column '地区生产总值(亿元)', row 3 (line 4): non-numeric value '注：按新口径'"
    )


def workbook(tmp_path: Path, sheet: str, rows: list[list]) -> Path:
    book = openpyxl.Workbook()
    book.active.title = sheet
    for values in rows:
        book.active.append(values)
    path = tmp_path / WORKBOOK
    book.save(path)
    return path


def workbook_error(path: Path) -> str:
    with pytest.raises(SourceSchemaError) as error:
        EMPLOYMENT.parse(path, WORKBOOK, WORKBOOK)
    return str(error.value).removeprefix(f"china_employment: file {WORKBOOK}, ")


def test_broken_workbooks_are_named(tmp_path):
    rows = [["10k person", 2017, 2018], ["Beijing", 1246.75, 1237.81]]
    assert EMPLOYMENT.parse(workbook(tmp_path, "employment ", rows), WORKBOOK, WORKBOOK).frame.value.tolist() == [
        1246.75,
        1237.81,
    ]
    assert workbook_error(workbook(tmp_path, "employment", rows)) == (
        "column 'employment ': has no sheet 'employment ' (sheets: 'employment')"
    )
    assert workbook_error(workbook(tmp_path, "employment ", [["10k person", 2017, "2018e"], rows[1]])) == (
        "column 'employment  column 3', sheet row 1: the column header '2018e' is not a year"
    )
    assert workbook_error(workbook(tmp_path, "employment ", [["persons", 2017, 2018], rows[1]])) == (
        "column 'employment ', sheet row 1: unit 'persons' (the corner cell) has no valid range in the seed "
        "source_value_ranges.csv"
    )
    assert workbook_error(workbook(tmp_path, "employment ", [*rows, ["Beijing", 1, 2]])) == (
        "column 'province', row 2 (sheet row 3): duplicated key (province=Beijing), first seen at row 1 (sheet row 2)"
    )
