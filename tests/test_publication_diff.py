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


def test_rank_moves_and_the_revised_cells_file(tmp_path):
    old = pd.DataFrame(
        {"code": ["A", "B", "C"], "score": [0.9, 0.5, 0.1], "rank_in_year": [1, 8, 20], "mean_rank": [1.0, 8.0, 20.0]}
    )
    new = pd.DataFrame(
        {"code": ["A", "B", "C"], "score": [0.9, 0.7, 0.1], "rank_in_year": [1, 2, 21], "mean_rank": [1.0, 2.0, 21.0]}
    )
    write(tmp_path / "old", "t", old)
    write(tmp_path / "new", "t", new)
    revisions = tmp_path / "changes" / "t.parquet"
    diff = diff_table(
        "t", tmp_path / "old/parquet/t.parquet", tmp_path / "new/parquet/t.parquet", ["code"], revisions_file=revisions
    )
    # B moved 6 places (more than 5), C one; mean_rank is not a whole-number rank
    assert diff.rank_moves == 1
    assert diff.largest_rank_moves == [{"code": "B", "column_name": "rank_in_year", "old_rank": 8, "new_rank": 2}]
    assert diff.revised_by_column == {"mean_rank": 2, "rank_in_year": 2, "score": 1}
    cells = pd.read_parquet(revisions).sort_values(["code", "column_name"])
    assert cells[["code", "column_name", "old_value", "new_value"]].values.tolist() == [
        ["B", "mean_rank", 8.0, 2.0],
        ["B", "rank_in_year", 8.0, 2.0],
        ["B", "score", 0.5, 0.7],
        ["C", "mean_rank", 20.0, 21.0],
        ["C", "rank_in_year", 20.0, 21.0],
    ]


def test_byte_identical_files_are_unchanged_and_a_table_without_key_compares_counts(tmp_path):
    frame = pd.DataFrame({"code": ["A", "B", "C"], "value": [0.1, 0.2, 0.3]})
    for table in ("same", "keyless"):
        write(tmp_path / "old", table, frame)
    write(tmp_path / "new", "same", frame)
    write(tmp_path / "new", "keyless", frame.assign(value=[0.1, 0.2, 9.9]))
    keyless, same = diff_versions(tmp_path / "old", tmp_path / "new", {"same": ["code"]})
    assert same.unchanged and (same.rows_before, same.rows_after) == (3, 3)
    assert keyless.unchanged and (keyless.rows_before, keyless.rows_after, keyless.key) == (3, 3, [])
