"""Comparing two publications: rows added, removed and revised, floating-point noise ignored."""

import pandas as pd

from orchestration.lib.publication_diff import diff_table, diff_versions


def write(folder, table: str, frame: pd.DataFrame):
    (folder / "parquet").mkdir(parents=True, exist_ok=True)
    frame.to_parquet(folder / "parquet" / f"{table}.parquet", index=False)


def test_added_removed_and_revised_rows_are_counted_and_noise_is_not(tmp_path):
    old = pd.DataFrame({"code": ["A", "B", "C", "D"], "year": [2020] * 4, "value": [1.0, 2.0, 3.0, 4.0], "label": list("wxyz")})
    new = pd.DataFrame(
        {
            "code": ["A", "B", "C", "E"],
            "year": [2020] * 4,
            # A: sum-order noise (1e-15), B: a real revision, C: its label changed, E: new, D: gone
            "value": [1.0 + 1e-15, 2.5, 3.0, 5.0],
            "label": ["w", "x", "Y", "v"],
        }
    )
    write(tmp_path / "old", "t", old)
    write(tmp_path / "new", "t", new)
    diff = diff_table("t", tmp_path / "old/parquet/t.parquet", tmp_path / "new/parquet/t.parquet", ["code", "year"])
    assert (diff.rows_before, diff.rows_after, diff.added, diff.removed, diff.revised) == (4, 4, 1, 1, 2)
    assert diff.largest_revisions == [{"code": "B", "year": 2020, "column_name": "value", "old_value": 2.0, "new_value": 2.5}]
    assert not diff.unchanged


def test_identical_versions_are_unchanged_and_new_tables_are_all_added(tmp_path):
    frame = pd.DataFrame({"code": ["A", "B"], "value": [0.1, 0.2]})
    write(tmp_path / "old", "t", frame)
    write(tmp_path / "new", "t", frame.iloc[::-1])  # order never matters
    write(tmp_path / "new", "u", frame)
    (same, added) = diff_versions(tmp_path / "old", tmp_path / "new", {"t": ["code"], "u": ["code"]})
    assert same.unchanged and same.rows_after == 2
    assert (added.table, added.rows_before, added.added) == ("u", 0, 2)
