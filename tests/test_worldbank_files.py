"""World Bank and Gapminder files: both WDI mirror layouts, their metadata, and bad input."""

from pathlib import Path

import pandas as pd
import pytest

from orchestration.lib.connectors import gapminder
from orchestration.lib.connectors.errors import SourceSchemaError, SourceUnavailableError
from orchestration.lib.connectors.wdi import files as worldbank

from .conftest import MIRROR

LONG_HEADER = "Country Name,Country Code,Year,Value\n"
PREAMBLE = '"Data Source","World Development Indicators",\n\n"Last Updated Date","{vintage}",\n\n'
BULK_HEADER = '"Country Name","Country Code","Indicator Name","Indicator Code","2019","2020","2021",\n'


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_long_layout_reads_values_and_leaves_out_no_data_cells(tmp_path):
    path = write(
        tmp_path / "data.csv", LONG_HEADER + "Aruba,ABW,2000,1.5\nAruba,ABW,2001,..\nAruba,ABW,2002,\nAngola,AGO,2000,2e1\n"
    )
    parsed = worldbank.parse_long(path, "data.csv", "IT.NET.USER.ZS", "2026-07-01")
    frame = parsed.frame
    assert frame["value"].tolist()[0] == 1.5 and frame["value"].tolist()[3] == 20.0
    assert frame["value"].isna().tolist() == [False, True, True, False]  # ".." and "" mean no data, never 0
    assert frame["source_line"].tolist() == [2, 3, 4, 5]
    assert set(frame["indicator_code"]) == {"IT.NET.USER.ZS"} and set(frame["vintage"]) == {"2026-07-01"}


def test_rows_repeated_verbatim_are_dropped_and_counted(tmp_path):
    path = write(tmp_path / "data.csv", LONG_HEADER + "Aruba,ABW,2000,1.5\nAngola,AGO,2000,2\nAruba,ABW,2000,1.5\n")
    parsed = worldbank.parse_long(path, "data.csv", "IT.NET.USER.ZS", None)
    assert len(parsed.frame) == 2 and parsed.dropped_duplicates == ["row 3 (line 4)"]


def test_a_repeated_key_with_a_different_value_stops_the_run(tmp_path):
    path = write(tmp_path / "data.csv", LONG_HEADER + "Aruba,ABW,2000,1.5\nAruba,ABW,2000,1.6\n")
    with pytest.raises(SourceSchemaError) as error:
        worldbank.parse_long(path, "data.csv", "IT.NET.USER.ZS", None)
    assert str(error.value) == (
        "wdi: file data.csv, column 'Country Code, Year', row 2 (line 3): duplicated key (Country Code=ABW, Year=2000), "
        "first seen at row 1 (line 2)"
    )


def test_a_renamed_column_is_named(tmp_path):
    path = write(tmp_path / "data.csv", "Country Name,Country Code,Year,Val\nAruba,ABW,2000,1.5\n")
    with pytest.raises(SourceSchemaError) as error:
        worldbank.parse_long(path, "data.csv", "IT.NET.USER.ZS", None)
    assert str(error.value) == "wdi: file data.csv, column 'Value': required column(s) missing: Value"


def test_a_non_numeric_value_names_its_line(tmp_path):
    path = write(tmp_path / "data.csv", LONG_HEADER + "Aruba,ABW,2000,1.5\nAruba,ABW,2001,n/a\n")
    with pytest.raises(SourceSchemaError) as error:
        worldbank.parse_long(path, "data.csv", "IT.NET.USER.ZS", None)
    assert str(error.value) == "wdi: file data.csv, column 'Value', row 2 (line 3): non-numeric value 'n/a'"


def test_bulk_layout_with_its_preamble(tmp_path):
    text = (
        PREAMBLE.format(vintage="2026-02-24")
        + BULK_HEADER
        + (
            '"Aruba","ABW","Individuals using the Internet","IT.NET.USER.ZS","97.17","..","",\n'
            '"World","WLD","Individuals using the Internet","IT.NET.USER.ZS","56.7","59.3","62.6",\n'
        )
    )
    path = write(tmp_path / "API_IT.NET.USER.ZS_DS2_en_csv_v2_1.csv", text)
    assert worldbank.bulk_preamble(path) == (
        5,
        {"Data Source": ("World Development Indicators", 1), "Last Updated Date": ("2026-02-24", 3)},
    )
    frame = worldbank.parse_bulk(path, "bulk.csv", "IT.NET.USER.ZS").frame.sort_values(["economy_code", "year"])
    assert frame[["economy_code", "year"]].values.tolist() == [
        ["ABW", 2019],
        ["ABW", 2020],
        ["ABW", 2021],
        ["WLD", 2019],
        ["WLD", 2020],
        ["WLD", 2021],
    ]
    assert frame["value"].isna().tolist() == [False, True, True, False, False, False]
    assert frame["value"].iat[0] == 97.17 and frame["value"].iat[5] == 62.6
    assert frame["source_line"].tolist() == [6, 6, 6, 7, 7, 7]
    assert set(frame["vintage"]) == {"2026-02-24"} and set(frame["layout"]) == {"bulk"}


def test_a_bulk_file_with_only_its_preamble(tmp_path):
    path = write(tmp_path / "bulk.csv", PREAMBLE.format(vintage="2026-02-24"))
    with pytest.raises(SourceSchemaError) as error:
        worldbank.parse_bulk(path, "bulk.csv", "X")
    assert str(error.value) == 'wdi: file bulk.csv: no header row ("Country Name",...) found: the file holds only its preamble'


def test_a_bulk_file_of_another_indicator(tmp_path):
    text = (
        BULK_HEADER
        + '"Aruba","ABW","Internet","IT.NET.USER.ZS","1","2","3",\n"Angola","AGO","Broadband","IT.NET.BBND.P2","1","2","3",\n'
    )
    path = write(tmp_path / "bulk.csv", text)
    with pytest.raises(SourceSchemaError) as error:
        worldbank.parse_bulk(path, "bulk.csv", "IT.NET.USER.ZS")
    assert (
        str(error.value)
        == "wdi: file bulk.csv, column 'Indicator Code', row 2 (line 3): holds 'IT.NET.BBND.P2', expected 'IT.NET.USER.ZS'"
    )


def test_the_newer_layout_wins_and_vintages_are_never_spliced(tmp_path):
    code = "IT.NET.USER.ZS"
    write(tmp_path / "wdi" / "indicators" / code.lower() / "data.csv", LONG_HEADER + "Aruba,ABW,2000,1.5\n")
    write(tmp_path / "wdi" / "MANIFEST.csv", f"wdi_code,last_commit_date\n{code},2026-07-01\n")
    bulk = write(
        tmp_path / "worldbank" / f"API_{code}_DS2_en_csv_v2_1.csv",
        PREAMBLE.format(vintage="2026-02-24") + BULK_HEADER + '"Aruba","ABW","x","IT.NET.USER.ZS","1","2","3",\n',
    )
    assert worldbank.locate(code, tmp_path) == worldbank.MirrorFile(
        tmp_path / "wdi" / "indicators" / code.lower() / "data.csv", "long", "2026-07-01"
    )
    bulk.write_text(PREAMBLE.format(vintage="2026-09-30") + BULK_HEADER + '"Aruba","ABW","x","IT.NET.USER.ZS","1","2","3",\n')
    assert worldbank.locate(code, tmp_path) == worldbank.MirrorFile(bulk, "bulk", "2026-09-30")
    with pytest.raises(SourceUnavailableError) as error:
        worldbank.locate("NO.SUCH.CODE", tmp_path)
    assert str(error.value) == (
        f"wdi: the mirror has no file for NO.SUCH.CODE (looked for wdi/indicators/no.such.code/data.csv and "
        f"worldbank/API_NO.SUCH.CODE_DS2_*.csv under {tmp_path})"
    )


def test_real_mirror_series_in_both_layouts():
    """The mirror holds Internet users in both layouts; the bulk download is the newer vintage."""
    found = worldbank.locate("IT.NET.USER.ZS", MIRROR)
    assert (found.layout, found.path.parent.name) == ("bulk", "worldbank")
    assert worldbank.locate("GB.XPD.RSDV.GD.ZS", MIRROR).layout == "long"


def test_metadata_tells_aggregates_from_economies_by_their_region():
    found = worldbank.locate_metadata(MIRROR)
    assert found.path.name == "Metadata_Country_API_BX.GSR.CCIS.CD_DS2_en_csv_v2_920.csv"  # the newer of the two
    frame = worldbank.parse_metadata(found.path, found.path.name, found.vintage).frame.set_index("economy_code")
    raw = pd.read_csv(found.path, keep_default_na=False).set_index("Country Code")
    assert (frame["region"].isna() == raw["Region"].eq("")).all()
    assert frame["region"].notna().sum() == 217
    assert frame.loc["CHN", ["region", "income_group"]].tolist() == ["East Asia & Pacific", "Upper middle income"]
    assert pd.isna(frame.loc["EUU", "region"]) and frame.loc["EUU", "economy_name"] == "European Union"


def test_a_metadata_file_that_is_missing(tmp_path):
    with pytest.raises(SourceUnavailableError) as error:
        worldbank.locate_metadata(tmp_path)
    assert str(error.value) == (
        f"wdi: the mirror has no worldbank/Metadata_Country_*.csv (beside its API_*.csv) under {tmp_path}: without the World Bank's own "
        "metadata economies cannot be told from aggregates"
    )


def test_gapminder_geo_codes_map_to_iso3_through_the_entities_file():
    path = MIRROR / "gapminder" / gapminder.ENTITIES_FILE
    geo = gapminder.parse_entities(path, path.name).frame.set_index("gapminder_geo")
    assert geo.loc["chn", ["iso3", "is_country"]].tolist() == ["CHN", True]
    assert pd.isna(geo.loc["abkh", "iso3"])  # a Gapminder country with no ISO code: recorded, never guessed
    concept = gapminder.DEFAULT_CONCEPTS[0]
    file = MIRROR / "gapminder" / gapminder.datapoints_file(concept)
    parsed = gapminder.parse_datapoints(file, file.name, concept)
    observations = parsed.frame
    raw = pd.read_csv(file)
    assert len(observations) == len(raw) and parsed.dropped_duplicates == []
    chn = observations[(observations.gapminder_geo == "chn") & (observations.year == 2020)]["value"].item()
    assert chn == raw[(raw.geo == "chn") & (raw.time == 2020)][concept].item()


def test_gapminder_bad_datapoints(tmp_path):
    concept = "working_hours_per_week"
    source = MIRROR / "gapminder" / gapminder.datapoints_file(concept)
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    header, first = lines[0], lines[1]
    geo, time, _ = first.strip().split(",")
    bad = write(tmp_path / "bad.csv", header + first + f"{geo},{time},41.5\n")
    with pytest.raises(SourceSchemaError) as error:
        gapminder.parse_datapoints(bad, "bad.csv", concept)
    assert str(error.value) == (
        f"gapminder: file bad.csv, column 'geo, time', row 2 (line 3): duplicated key (geo={geo}, time={time}), "
        "first seen at row 1 (line 2)"
    )
    renamed = write(tmp_path / "renamed.csv", header.replace(concept, "hours") + first)
    with pytest.raises(
        SourceSchemaError, match=rf"^gapminder: file renamed.csv, column '{concept}': required column\(s\) missing"
    ):
        gapminder.parse_datapoints(renamed, "renamed.csv", concept)


def bulk_file(folder: Path, code: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / "worldbank" / f"API_{code}_DS2_en_csv_v2_1.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding=encoding)
    return path


def test_a_utf16_bulk_file_is_rejected_naming_its_encoding(tmp_path):
    """Found with its problem: the pull then keeps its snapshot and records it as rejected."""
    code = "IT.NET.USER.ZS"
    text = PREAMBLE.format(vintage="2026-02-24") + BULK_HEADER + '"Aruba","ABW","x","IT.NET.USER.ZS","1","2","3",\n'
    bulk = bulk_file(tmp_path, code, text, encoding="utf-16")
    found = worldbank.locate(code, tmp_path)
    assert found.path == bulk and str(found.problem) == (
        f"wdi: file {bulk}, line 1: is not valid utf-8: byte 0xff at offset 0 cannot be decoded; the bytes look like utf_16"
    )


def test_a_vintage_that_is_not_an_iso_date_is_rejected_not_compared_as_text(tmp_path):
    """'24/02/2025' compared as text would beat '2026-02-24' and replace the newer file."""
    code = "IT.NET.USER.ZS"
    bulk = bulk_file(tmp_path, code, PREAMBLE.format(vintage="24/02/2025") + BULK_HEADER)
    found = worldbank.locate(code, tmp_path)
    assert str(found.problem) == f"wdi: file {bulk}, column 'Last Updated Date', line 3: '24/02/2025' is not a date (YYYY-MM-DD)"
