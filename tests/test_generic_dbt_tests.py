"""The project's generic dbt tests (dbt_project/tests/generic), rendered from their files and run
in DuckDB on small tables whose answer pandas gives independently."""

import re

import duckdb
import jinja2
import numpy as np
import pandas as pd
import pytest

from orchestration.lib.settings import DBT_PROJECT_DIR


def generic_test(name: str):
    """The generic test ``name`` as a Jinja macro: dbt's ``{% test %}`` block is a macro that returns
    the failing rows' query."""
    text = (DBT_PROJECT_DIR / "tests" / "generic" / f"{name}.sql").read_text()
    text = re.sub(r"{%\s*test\s", "{% macro ", text).replace("endtest", "endmacro")
    return getattr(jinja2.Environment().from_string(text).module, name)


def failing_combinations(frame: pd.DataFrame, columns: list[str], by_sorting: bool) -> set[tuple]:
    query = generic_test("unique_combination_of_columns")(model="cells", combination_of_columns=columns, by_sorting=by_sorting)
    con = duckdb.connect()
    con.register("cells", frame)
    return as_tuples(con.sql(query).df()[columns])


def as_tuples(frame: pd.DataFrame) -> set[tuple]:
    """The rows as tuples, a missing value as None."""
    return set(frame.astype(object).where(frame.notna(), None).itertuples(index=False, name=None))


@pytest.mark.parametrize("by_sorting", [False, True])
def test_unique_combination_of_columns_finds_each_repeated_combination_and_no_other(by_sorting):
    rng = np.random.default_rng(7)
    frame = pd.DataFrame(
        {
            "cell_id": rng.permutation(1_000).astype(np.int64),
            "unit": rng.choice(["A", "B", None], 1_000),
            "year": rng.integers(2000, 2010, 1_000),
        }
    )
    # unique keys: nothing fails
    assert failing_combinations(frame, ["cell_id"], by_sorting) == set()
    # repeated keys, a null among them (nulls compare as equal, as in group by and in pandas)
    repeated = frame.duplicated(["unit", "year"], keep=False)
    expected = as_tuples(frame.loc[repeated, ["unit", "year"]])
    assert any(unit is None for unit, _ in expected)
    assert failing_combinations(frame, ["unit", "year"], by_sorting) == expected
    # one repeat of a single key among unique ones
    frame.loc[5, "cell_id"] = frame.loc[900, "cell_id"]
    assert failing_combinations(frame, ["cell_id"], by_sorting) == {(int(frame.loc[900, "cell_id"]),)}
