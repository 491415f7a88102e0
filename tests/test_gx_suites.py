"""GX suites validated the way the check steps do: several relations in one request to the worker,
each read with only the columns its suite needs."""

import json

import duckdb
import pytest

from orchestration.lib.quality.gx_suites import Suite, read_for_suite, validate_frame, validate_relations
from orchestration.lib.quality.validator import SuiteValidator, ValidatorError

SUITE = {
    "name": "toy_values",
    "meta": {"nqpf": {"asset": "toy_values", "description": "values in [0, 1]"}},
    "expectations": [
        {"type": "expect_column_values_to_be_between", "kwargs": {"column": "value", "min_value": 0, "max_value": 1}},
        {"type": "expect_table_row_count_to_be_between", "kwargs": {"min_value": 3, "max_value": 10}},
    ],
}


@pytest.fixture
def warehouse(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute(
            "create table toy_values as select * from (values "
            "('AAA', 2000, 0.5, 'a long label nobody checks'), ('BBB', 2000, 1.5, 'x'), ('CCC', 2001, 0.1, 'y')) "
            "t(geo_code, year, value, label)"
        )
    return path


@pytest.fixture
def suite(tmp_path) -> Suite:
    path = tmp_path / "toy_values.json"
    path.write_text(json.dumps(SUITE))
    return Suite(path, SUITE)


def without_time(result: dict) -> dict:
    return {k: v for k, v in result.items() if k != "evaluated_at"}


def test_a_suite_reads_its_columns_and_the_row_identifiers_only(warehouse, suite):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        frame = read_for_suite(con, "main.toy_values", suite)
        whole = con.execute("select * from main.toy_values").df()
    assert list(frame.columns) == ["geo_code", "year", "value"]
    assert len(frame) == 3
    # the same answer as on the whole table: what failed, what was observed, which row
    (pruned,) = validate_relations(warehouse, [("main.toy_values", suite)])
    assert without_time(pruned) == without_time(json.loads(json.dumps(validate_frame(whole, suite, "main.toy_values"))))
    values, count = pruned["expectations"]
    assert not values["success"] and values["unexpected_rows"] == [{"geo_code": "BBB", "year": 2000, "value": 1.5}]
    assert count["success"] and count["observed"] == 3 and pruned["rows_validated"] == 3


def test_the_worker_validates_a_batch_in_order_and_names_the_suite_that_failed(warehouse, suite):
    validator = SuiteValidator()
    try:
        first, second = validator.validate(warehouse, [("main.toy_values", suite), ("main.toy_values", suite)])
        assert without_time(first) == without_time(second) and first["relation"] == "main.toy_values"
        with pytest.raises(ValidatorError, match=r"^validating toy_values.json on main.no_such_table failed in the GX worker:\n"):
            validator.validate(warehouse, [("main.toy_values", suite), ("main.no_such_table", suite)])
        missing = Suite(suite.path.with_name("missing.json"), SUITE)  # its file cannot be read in the worker
        with pytest.raises(ValidatorError, match=r"^validating missing.json on main.toy_values failed in the GX worker:\n"):
            validator.validate(warehouse, [("main.toy_values", suite), ("main.toy_values", missing)])
        assert validator.validate(warehouse, []) == []
    finally:
        validator.shutdown()
