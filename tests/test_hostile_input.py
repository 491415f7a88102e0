"""Hostile input: every kind of bad file stops the pull with the source, file, column and row,
or is recorded where the README says it is; none is ever landed silently.

Each test builds a small corrupted copy of a real mirror file, so the bytes around the fault
are the publisher's own. The end-to-end runs (a cut-off PWT file and an unknown economy code
against a good publication) are in test_quality_gate.py, which keeps that publication and
checks it byte for byte afterwards.
"""

import csv
import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from orchestration.lib.connectors.drift import DriftTolerance
from orchestration.lib.connectors.errors import ConfigurationError, SourceSchemaError
from orchestration.lib.connectors.landing import pull_source
from orchestration.lib.connectors.pwt import SCHEMA, PennWorldTable
from orchestration.lib.connectors.statistical import catalog
from orchestration.lib.connectors.tables import parse_table
from orchestration.lib.connectors.wdi import files as worldbank
from orchestration.lib.connectors.wdi.source import WorldDevelopmentIndicators
from orchestration.lib.indicator_systems import required_series
from orchestration.lib.settings import SEEDS_DIR, DataPaths, resolve_data_source
from orchestration.lib.warehouse import load_raw_tables

from .conftest import MIRROR, PWT_MIRROR_FILE, run_dbt

PWT_HEADER = PWT_MIRROR_FILE.open(encoding="utf-8").readline().rstrip("\n").split(",")


@pytest.fixture(scope="module")
def pwt_lines() -> list[str]:
    """Header and the first 20 economies (1,400 rows) of the real PWT file."""
    with PWT_MIRROR_FILE.open(encoding="utf-8") as handle:
        return [next(handle) for _ in range(1401)]


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def with_cell(line: str, column: str, value: str) -> str:
    cells = line.rstrip("\n").split(",")
    cells[PWT_HEADER.index(column)] = value
    return ",".join(cells) + "\n"


def schema_error(path: Path) -> str:
    with pytest.raises(SourceSchemaError) as error:
        parse_table(path, path.name, schema=SCHEMA)
    return str(error.value)


# ---------------------------------------------------------------- completeness


def test_a_file_cut_off_inside_its_last_row(tmp_path, pwt_lines):
    text = "".join(pwt_lines)
    cut = write(tmp_path / "pwt1001.csv", text[: text.rindex(",", 0, len(text) - 20)])
    assert schema_error(cut) == (
        "pwt: file pwt1001.csv, line 1401: the file ends inside a row (no line break after its last line): "
        "it was cut off, e.g. a partial download"
    )


def test_rows_with_too_few_or_too_many_fields(tmp_path, pwt_lines):
    short = pwt_lines[5].rstrip("\n").split(",")[:10]
    few = write(tmp_path / "few.csv", "".join([*pwt_lines[:5], ",".join(short) + "\n", *pwt_lines[6:]]))
    assert schema_error(few) == f"pwt: file few.csv, line 6: 10 fields where the header has 52: {','.join(short)!r}"
    extra = pwt_lines[7].rstrip("\n") + ",surplus\n"
    many = write(tmp_path / "many.csv", "".join([*pwt_lines[:7], extra, *pwt_lines[8:]]))
    assert schema_error(many) == f"pwt: file many.csv, line 8: 53 fields where the header has 52: {extra.rstrip()[:80]!r}"


def pull_pwt(mirror: Path, data_dir: Path, tolerance: DriftTolerance | None = None):
    source = PennWorldTable()
    files = source.files(resolve_data_source(str(mirror)), None, source.Options())
    return pull_source(source, files, DataPaths(data_dir), tolerance or DriftTolerance())


def landed_pulls(data_dir: Path) -> list[dict[str, str]]:
    with (data_dir / "landing" / "manifest.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_a_pull_that_lost_an_economy_since_the_last_one_fails_with_the_numbers(tmp_path, pwt_lines):
    mirror, data_dir = tmp_path / "mirror", tmp_path / "data"
    write(mirror / "pwt" / "pwt1001.csv", "".join(pwt_lines))
    assert len(pull_pwt(mirror, data_dir).frames["raw.pwt"]) == 1400
    # Angola's 70 rows vanish: 5% of the rows, within the row tolerance, but a whole economy
    write(mirror / "pwt" / "pwt1001.csv", "".join(line for line in pwt_lines if ",AGO," not in line))
    with pytest.raises(SourceSchemaError) as error:
        pull_pwt(mirror, data_dir)
    assert str(error.value) == (
        f"pwt: file {mirror / 'pwt' / 'pwt1001.csv'}: since its last pull, every row of 1 unit is gone: AGO (70 rows), "
        "5.0% of the previous rows (tolerated: 0.1%)"
    )
    rejected = landed_pulls(data_dir)[-1]
    assert (rejected["status"], rejected["detail"]) == ("rejected", str(error.value))
    with duckdb.connect(str(data_dir / "warehouse" / "nqpf.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from raw.pwt where economy_code = 'AGO'").fetchone() == (70,)  # kept


def test_a_shrinking_year_span_and_a_halved_file_fail(tmp_path, pwt_lines):
    mirror, data_dir = tmp_path / "mirror", tmp_path / "data"
    write(mirror / "pwt" / "pwt1001.csv", "".join(pwt_lines))
    pull_pwt(mirror, data_dir)
    write(mirror / "pwt" / "pwt1001.csv", "".join(line for line in pwt_lines if ",2019," not in line))
    with pytest.raises(
        SourceSchemaError, match=r"since its last pull, years 1950-2019 became 1950-2018: 1 year with 20 rows gone"
    ):
        pull_pwt(mirror, data_dir)
    write(mirror / "pwt" / "pwt1001.csv", "".join(pwt_lines[:701]))
    with pytest.raises(SourceSchemaError) as error:
        pull_pwt(mirror, data_dir)
    assert "since its last pull, rows fell from 1400 to 700 (-50.0%), more than the tolerated 5.0%; every row of 10 units" in str(
        error.value
    )


def test_a_publisher_known_to_revise_is_recorded_not_stopped(tmp_path, pwt_lines):
    mirror, data_dir = tmp_path / "mirror", tmp_path / "data"
    write(mirror / "pwt" / "pwt1001.csv", "".join(pwt_lines))
    pull_pwt(mirror, data_dir)
    write(mirror / "pwt" / "pwt1001.csv", "".join(line for line in pwt_lines if ",AGO," not in line))
    result = pull_pwt(mirror, data_dir, DriftTolerance(warn_only=("pwt",)))
    assert len(result.frames["raw.pwt"]) == 1330
    assert landed_pulls(data_dir)[-1]["detail"] == (
        "since its last pull, every row of 1 unit is gone: AGO (70 rows), 5.0% of the previous rows (tolerated: 0.1%) "
        "(recorded: the publisher revises)"
    )


def test_a_series_whose_scale_jumped_fails_with_both_medians(tmp_path, pwt_lines):
    mirror, data_dir = tmp_path / "mirror", tmp_path / "data"
    write(mirror / "pwt" / "pwt1001.csv", "".join(pwt_lines))
    previous = pull_pwt(mirror, data_dir).frames["raw.pwt"]["rgdpna"].abs().median()
    # rgdpna published in units of 10,000 dollars instead of millions (a unit slip): every value x100
    scaled = [pwt_lines[0]]
    for line in pwt_lines[1:]:
        value = line.rstrip("\n").split(",")[PWT_HEADER.index("rgdpna")]
        scaled.append(with_cell(line, "rgdpna", repr(float(value) * 100) if value else ""))
    write(mirror / "pwt" / "pwt1001.csv", "".join(scaled))
    with pytest.raises(SourceSchemaError) as error:
        pull_pwt(mirror, data_dir)
    assert str(error.value).endswith(
        f"since its last pull, the median value moved from {previous:.6g} to {previous * 100:.6g} (x100, more than x10): "
        "is this still the same series?"
    )


# ---------------------------------------------------------------- plausible values


@pytest.mark.parametrize(
    ("column", "text", "problem"),
    [
        ("rnna", "1e308", "value '1e308' outside the valid range [0, 1e+09]"),
        ("rnna", "1e309", "non-finite value '1e309' (infinite, or beyond double precision)"),
        ("emp", "inf", "non-finite value 'inf' (infinite, or beyond double precision)"),
        ("hc", "0.5", "value '0.5' outside the valid range [1, 6]"),
        ("labsh", "-0.2", "value '-0.2' outside the valid range [0, 1]"),
    ],
)
def test_a_value_outside_its_range_names_file_column_row_and_value(tmp_path, pwt_lines, column, text, problem):
    lines = list(pwt_lines)
    lines[100] = with_cell(lines[100], column, text)
    path = write(tmp_path / "pwt1001.csv", "".join(lines))
    assert schema_error(path) == f"pwt: file pwt1001.csv, column {column!r}, row 100 (line 101): {problem}"


def test_swapped_header_labels_are_caught_at_ingest_by_the_column_ranges(tmp_path, pwt_lines):
    """Two labels swapped in the header (hc and labsh): every value lands under the other's name,
    and the first one outside its column's range names the column, the row and the value."""
    header = pwt_lines[0].rstrip("\n").split(",")
    hc, labsh = header.index("hc"), header.index("labsh")
    header[hc], header[labsh] = header[labsh], header[hc]
    path = write(tmp_path / "pwt1001.csv", ",".join(header) + "\n" + "".join(pwt_lines[1:]))
    frame = pd.read_csv(PWT_MIRROR_FILE, nrows=1400)
    first = frame.index[frame["hc"].notna()][0]  # the first human-capital value, now read as labsh
    value = pwt_lines[first + 1].rstrip("\n").split(",")[hc]
    assert float(value) > 1
    assert schema_error(path) == (
        f"pwt: file pwt1001.csv, column 'labsh', row {first + 1} (line {first + 2}): value '{value}' outside the valid range [0, 1]"
    )


def test_nan_text_is_read_as_missing_and_counted(tmp_path, pwt_lines):
    lines = list(pwt_lines)
    lines[100] = with_cell(lines[100], "rnna", "NaN")
    lines[300] = with_cell(lines[300], "rnna", "nan")
    table = parse_table(write(tmp_path / "pwt1001.csv", "".join(lines)), "pwt1001.csv", schema=SCHEMA)
    assert table.frame["rnna"].isna().iat[99] and table.frame["rnna"].isna().iat[299]
    assert table.remarks == ["2 cell(s) 'NaN', 'nan' in column 'rnna' read as missing (first at row 100 (line 101))"]


def test_a_wdi_value_outside_the_series_range(tmp_path):
    path = write(tmp_path / "data.csv", "Country Name,Country Code,Year,Value\nChina,CHN,2000,1.5\nChina,CHN,2001,1e308\n")
    with pytest.raises(SourceSchemaError) as error:
        worldbank.parse_long(path, "data.csv", "GB.XPD.RSDV.GD.ZS", "2026-07-01")
    assert (
        str(error.value) == "wdi: file data.csv, column 'Value', row 2 (line 3): value '1e308' outside the valid range [0, 100]"
    )


def test_every_range_in_the_seeds_is_a_range():
    with (SEEDS_DIR / "source_value_ranges.csv").open(encoding="utf-8") as handle:
        ranges = list(csv.DictReader(handle))
    assert ranges and all(float(r["min_value"]) < float(r["max_value"]) for r in ranges)
    with (SEEDS_DIR / "nqpf_indicators.csv").open(encoding="utf-8") as handle:
        indicators = list(csv.DictReader(handle))
    assert all(float(r["valid_min"]) < float(r["valid_max"]) for r in indicators)


# ---------------------------------------------------------------- encodings


def test_a_file_in_another_encoding_names_its_first_bad_byte(tmp_path, pwt_lines):
    text = "".join(pwt_lines).replace("Cote d'Ivoire", "Côte d'Ivoire")
    lines = text.splitlines(keepends=True)
    lines[3] = lines[3].replace("Aruba", "Curaçao")
    latin1 = write(tmp_path / "pwt1001.csv", "".join(lines).encode("latin-1"))
    offset = len("".join(lines[:3]).encode("latin-1")) + len("Cura")
    assert schema_error(latin1).startswith(
        f"pwt: file pwt1001.csv, line 4: is not valid utf-8: byte 0xe7 at offset {offset} cannot be decoded"
    )


def test_accented_and_chinese_names_round_trip_from_file_to_warehouse(tmp_path):
    source = WorldDevelopmentIndicators()
    metadata = worldbank.locate_metadata(MIRROR)
    with metadata.path.open(encoding="utf-8-sig", newline="") as handle:
        published = {row["Country Code"]: row["TableName"] for row in csv.DictReader(handle)}
    assert published["CIV"] == "Côte d'Ivoire" and published["CUW"] == "Curaçao"
    parsed = worldbank.parse_metadata(metadata.path, metadata.path.name, metadata.vintage).frame
    paths = DataPaths(tmp_path)
    load_raw_tables(paths.warehouse, source.name, {"raw.wdi_economies": parsed}, [], "test")
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        landed = dict(con.execute("select economy_code, economy_name from raw.wdi_economies").fetchall())
    for code in ("CIV", "CUW", "STP"):
        assert landed[code] == published[code]
    assert landed["STP"] == "São Tomé and Principe"  # as the World Bank spells it

    techme = catalog()["china_techme"]
    table_file = techme.mirror_files(MIRROR)[0]
    with table_file.open(encoding="utf-8-sig", newline="") as handle:
        labels = {row[techme.layout.columns["region"]].strip() for row in csv.DictReader(handle)}
    parsed = techme.parse(table_file, table_file.name).frame
    load_raw_tables(paths.warehouse, techme.name, {"raw.china_techme": parsed}, [], "test")
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        landed = {row[0] for row in con.execute("select distinct region_label from raw.china_techme").fetchall()}
    assert landed == labels and {"北京", "内蒙古", "新疆"} <= landed


# ---------------------------------------------------------------- series identity and manifests


def test_a_datapackage_that_describes_another_indicator(tmp_path):
    code = "GB.XPD.RSDV.GD.ZS"
    folder = tmp_path / "wdi" / "indicators" / code.lower()
    write(folder / "data.csv", "Country Name,Country Code,Year,Value\nChina,CHN,2000,0.9\n")
    write(folder / "datapackage.json", json.dumps({"name": "x", "worldbank": {"indicator": "IT.NET.USER.ZS"}}))
    write(tmp_path / "wdi" / "MANIFEST.csv", f"wdi_code,last_commit_date\n{code},2026-07-01\n")
    found = worldbank.locate(code, tmp_path)
    assert str(found.problem) == (
        f"wdi: file {folder / 'datapackage.json'}, column 'worldbank.indicator': "
        "describes indicator 'IT.NET.USER.ZS', expected 'GB.XPD.RSDV.GD.ZS'"
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "the file is empty"),
        ("wdi_code,last_commit_date\n", "the file has a header but no series"),
        ("wdi_code\nGB.XPD.RSDV.GD.ZS\n", "column 'last_commit_date': required column(s) missing: last_commit_date"),
        (
            "wdi_code,last_commit_date,colour\nGB.XPD.RSDV.GD.ZS,2026-07-01,red\n",
            "column 'colour', line 1: unknown column(s): colour",
        ),
        (
            "wdi_code,last_commit_date\nGB.XPD.RSDV.GD.ZS,garbage\n",
            "column 'last_commit_date', line 2: 'garbage' is not a date (YYYY-MM-DD)",
        ),
        ("wdi_code,last_commit_date\nGB.XPD.RSDV.GD.ZS,2026-07-01,x\n", "line 2: 3 fields where the header has 2"),
    ],
)
def test_a_malformed_wdi_manifest_stops_the_run_naming_file_and_line(tmp_path, text, problem):
    manifest = write(tmp_path / "wdi" / "MANIFEST.csv", text)
    with pytest.raises(SourceSchemaError) as error:
        worldbank.datahub_vintages(tmp_path)
    where, _, message = problem.rpartition(": ") if problem.startswith(("column", "line")) else ("", "", problem)
    assert str(error.value) == f"wdi: file {manifest}{', ' + where if where else ''}: {message}"


def test_a_missing_wdi_manifest(tmp_path):
    write(tmp_path / "wdi" / "indicators" / "gb.xpd.rsdv.gd.zs" / "data.csv", "Country Name,Country Code,Year,Value\n")
    with pytest.raises(SourceSchemaError) as error:
        worldbank.locate("GB.XPD.RSDV.GD.ZS", tmp_path)
    assert str(error.value) == (
        f"wdi: file {tmp_path / 'wdi' / 'MANIFEST.csv'}: is missing: without it the vintage of the series in "
        "wdi/indicators/ cannot be told"
    )


# ---------------------------------------------------------------- configuration never reaches SQL as text


def seeds_with(tmp_path: Path, file: str, edit) -> Path:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for name in ("nqpf_indicators.csv", "nqpf_systems.csv", "nqpf_transforms.csv"):
        (seeds / name).write_text((SEEDS_DIR / name).read_text(encoding="utf-8"), encoding="utf-8")
    lines = (seeds / file).read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = edit(lines[1])
    (seeds / file).write_text("".join(lines), encoding="utf-8")
    return seeds


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        (
            "nqpf_indicators.csv",
            "human_capital_index",
            "hci'; drop table raw.pwt; --",
            "seed nqpf_indicators.csv, line 2, column 'indicator_id': \"hci'; drop table raw.pwt; --\" is not a valid indicator_id",
        ),
        (
            "nqpf_indicators.csv",
            ",hc,",
            ",../../etc/passwd,",
            "seed nqpf_indicators.csv, line 2, column 'indicator_code': '../../etc/passwd' is not a pwt code",
        ),
        (
            "nqpf_systems.csv",
            "cross_country",
            "Cross Country",
            "seed nqpf_systems.csv, line 2, column 'system_id': 'Cross Country' is not a valid system_id",
        ),
    ],
)
def test_a_seed_value_shaped_like_sql_or_a_path_is_rejected(tmp_path, file, old, new, message):
    seeds = seeds_with(tmp_path, file, lambda line: line.replace(old, new, 1))
    with pytest.raises(ConfigurationError) as error:
        required_series(seeds)
    assert str(error.value) == message


def test_a_catalogue_entry_shaped_like_a_path_is_rejected(tmp_path):
    from orchestration.lib.connectors.statistical import CATALOG

    text = CATALOG.read_text(encoding="utf-8").replace("RDIntense_raw.csv", "../../../etc/passwd.csv", 1)
    bad = write(tmp_path / "statistical_tables.yml", text)
    with pytest.raises(ConfigurationError) as error:
        catalog.__wrapped__(bad)
    assert (
        str(error.value)
        == "statistical_tables.yml: dataset china_techme: file name '../../../etc/passwd.csv' is not a plain file name"
    )


def run_with_vars(tmp_path, variables: str):
    """``dbt run`` of one model with ``--vars``, on an empty warehouse: only the var check can speak."""
    (tmp_path / "warehouse").mkdir()
    run = run_dbt(tmp_path, "run", "--select", "dim_geographies", "--vars", variables)
    assert run.returncode != 0
    return run


@pytest.mark.dbt
def test_dbt_vars_that_break_their_rules_stop_the_build_before_any_sql(tmp_path):
    run = run_with_vars(tmp_path, "{tfp_base_year: '2017; drop table raw.pwt', nqpf_unknown_geo_codes: \"fail' or '1'='1\"}")
    # every var that breaks its rule is named in one message, before any model runs
    assert (
        '  the dbt var tfp_base_year is "2017; drop table raw.pwt", which is not an integer from 1950 to 2100 '
        "(set it in dbt_project.yml or with --vars)\n"
        "  the dbt var nqpf_unknown_geo_codes is \"fail' or '1'='1\", which is not one of fail, exclude "
        "(set it in dbt_project.yml or with --vars)\n"
    ) in run.stdout
    assert "1 of 1 START sql table model marts.dim_geographies" not in run.stdout


@pytest.mark.dbt
def test_a_choice_in_the_wrong_case_and_an_expression_as_a_rate_are_rejected(tmp_path):
    """'Fail' is not 'fail' (it used to behave as 'exclude'); '0.096 * 0 + 0.5' is text, not a rate."""
    run = run_with_vars(tmp_path, "{nqpf_unknown_geo_codes: 'Fail', china_capital_depreciation: '0.096 * 0 + 0.5'}")
    assert (
        '  the dbt var nqpf_unknown_geo_codes is "Fail", which is not one of fail, exclude '
        "(set it in dbt_project.yml or with --vars)\n"
    ) in run.stdout
    assert (
        '  the dbt var china_capital_depreciation is "0.096 * 0 + 0.5", which is not a number from 0 to 1 '
        "(set it in dbt_project.yml or with --vars)\n"
    ) in run.stdout
    assert "START sql table model marts.dim_geographies" not in run.stdout
