"""Parsing source files: one typed table from CSV, Excel and Stata, and clear errors on bad input."""

import pandas as pd
import pytest

from orchestration.lib.connectors.errors import SourceSchemaError
from orchestration.lib.connectors.pwt import SCHEMA
from orchestration.lib.connectors.tables import parse_table

from .conftest import PWT_MIRROR_FILE


@pytest.fixture(scope="module")
def sample_lines() -> list[str]:
    """Header and the first 150 data lines of the real mirror (Aruba, Angola, Albania...)."""
    with PWT_MIRROR_FILE.open(encoding="utf-8") as handle:
        return [next(handle) for _ in range(151)]


@pytest.fixture
def sample_csv(tmp_path, sample_lines):
    path = tmp_path / "pwt_sample.csv"
    path.write_text("".join(sample_lines), encoding="utf-8")
    return path


def edited_csv(tmp_path, lines, name="edited.csv"):
    path = tmp_path / name
    path.write_text("".join(lines), encoding="utf-8")
    return path


def test_csv_excel_and_stata_give_the_same_typed_table(tmp_path, sample_csv):
    from_csv = parse_table(sample_csv, schema=SCHEMA).frame
    # Official formats built from the same rows: an .xlsx with a "Data" sheet and a .dta.
    original = pd.read_csv(sample_csv)
    xlsx, dta = tmp_path / "pwt.xlsx", tmp_path / "pwt.dta"
    with pd.ExcelWriter(xlsx) as writer:
        pd.DataFrame({"Legend": ["Penn World Table"]}).to_excel(writer, sheet_name="Info", index=False)
        original.to_excel(writer, sheet_name="Data", index=False)
    original.astype({c: "object" for c in original.columns if original[c].dtype == "str"}).to_stata(
        dta, write_index=False, version=118
    )

    # Stata keeps doubles bit for bit; an .xlsx cell holds about 16 significant digits.
    pd.testing.assert_frame_equal(parse_table(dta, schema=SCHEMA).frame, from_csv, check_exact=True)
    pd.testing.assert_frame_equal(parse_table(xlsx, schema=SCHEMA).frame, from_csv, check_exact=False, rtol=1e-15, atol=0)
    assert from_csv["year"].dtype == "Int64"
    assert from_csv["rgdpna"].dtype == "float64"
    assert from_csv.loc[from_csv.economy_code.eq("AGO") & from_csv.year.eq(2019), "rgdpna"].item() == pytest.approx(
        original.loc[original.isocode.eq("AGO") & original.year.eq(2019), "rgdpna"].item(), rel=0, abs=0
    )


def test_extra_columns_are_kept_and_recorded(tmp_path, sample_lines):
    lines = [sample_lines[0].rstrip("\n") + ",note\n"] + [line.rstrip("\n") + ",x\n" for line in sample_lines[1:]]
    table = parse_table(edited_csv(tmp_path, lines), schema=SCHEMA)
    assert table.extra_columns == ["note"]
    assert table.frame["note"].eq("x").all()


def test_missing_required_column_names_source_file_and_column(tmp_path, sample_lines):
    header = sample_lines[0].replace(",labsh,", ",labour_share,")
    path = edited_csv(tmp_path, [header, *sample_lines[1:]])
    with pytest.raises(SourceSchemaError) as error:
        parse_table(path, "pwt1001.csv", schema=SCHEMA)
    assert str(error.value) == "pwt: file pwt1001.csv, column 'labsh': required column(s) missing: labsh"


def test_non_numeric_value_names_column_and_first_offending_row(tmp_path, sample_lines):
    lines = list(sample_lines)
    columns = lines[0].rstrip("\n").split(",")
    for index in (120, 130):  # two bad rows: the first one is reported
        cells = lines[index].rstrip("\n").split(",")
        cells[columns.index("rgdpna")] = "12,5".replace(",", ";")
        lines[index] = ",".join(cells) + "\n"
    with pytest.raises(SourceSchemaError) as error:
        parse_table(edited_csv(tmp_path, lines), "pwt1001.csv", schema=SCHEMA)
    assert str(error.value) == "pwt: file pwt1001.csv, column 'rgdpna', row 120 (line 121): non-numeric value '12;5'"
    assert (error.value.column, error.value.row) == ("rgdpna", "row 120 (line 121)")


def test_duplicated_key_names_both_rows(tmp_path, sample_lines):
    lines = [*sample_lines[:101], sample_lines[40], *sample_lines[101:]]
    with pytest.raises(SourceSchemaError) as error:
        parse_table(edited_csv(tmp_path, lines), "pwt1001.csv", schema=SCHEMA)
    _, isocode, year = sample_lines[40].split(",")[:3]
    assert str(error.value) == (
        f"pwt: file pwt1001.csv, column 'isocode, year', row 101 (line 102): "
        f"duplicated key (isocode={isocode}, year={year}), first seen at row 40 (line 41)"
    )


def test_fractional_year_is_rejected(tmp_path, sample_lines):
    lines = list(sample_lines)
    lines[5] = lines[5].replace(",1954,", ",1954.5,", 1)
    with pytest.raises(SourceSchemaError, match=r"column 'year', row 5 \(line 6\): non-integer value '1954.5'"):
        parse_table(edited_csv(tmp_path, lines), schema=SCHEMA)


def test_missing_key_value_is_rejected(tmp_path, sample_lines):
    lines = list(sample_lines)
    lines[7] = lines[7].replace(",ABW,", ",,", 1)
    with pytest.raises(SourceSchemaError, match=r"column 'isocode', row 7 \(line 8\): key value is missing"):
        parse_table(edited_csv(tmp_path, lines), schema=SCHEMA)


def test_empty_file_and_header_only_file(tmp_path, sample_lines):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(SourceSchemaError) as error:
        parse_table(empty, "empty.csv", schema=SCHEMA)
    assert str(error.value) == "pwt: file empty.csv: the file is empty (0 bytes)"

    header_only = edited_csv(tmp_path, [sample_lines[0]], "header.csv")
    with pytest.raises(SourceSchemaError) as error:
        parse_table(header_only, "header.csv", schema=SCHEMA)
    assert str(error.value) == "pwt: file header.csv: the file has a header but no data rows"


def test_excel_error_names_the_sheet_row(tmp_path, sample_csv):
    frame = pd.read_csv(sample_csv)
    frame["labsh"] = frame["labsh"].astype(object)
    frame.loc[9, "labsh"] = "n/a"
    path = tmp_path / "pwt.xlsx"
    frame.to_excel(path, sheet_name="Data", index=False)
    with pytest.raises(SourceSchemaError) as error:
        parse_table(path, "pwt1001.xlsx", schema=SCHEMA)
    assert str(error.value) == "pwt: file pwt1001.xlsx, column 'labsh', row 10 (sheet row 11): non-numeric value 'n/a'"
