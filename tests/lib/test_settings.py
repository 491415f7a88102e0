"""The environment every dbt process gets (lib/settings.py)."""

from pathlib import Path

from orchestration.lib.settings import DATA_DIR_ENV, DataPaths, dbt_environment


def test_dbt_gets_the_absolute_warehouse_folder_one_blas_thread_and_no_huge_pages(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    monkeypatch.delenv("NUMPY_MADVISE_HUGEPAGE", raising=False)
    env = dbt_environment(DataPaths(Path("relative") / "data"))
    assert env[DATA_DIR_ENV] == str(tmp_path / "relative" / "data")
    assert env["OPENBLAS_NUM_THREADS"] == "1"
    assert env["NUMPY_MADVISE_HUGEPAGE"] == "0"


def test_an_operators_numeric_settings_are_kept(monkeypatch, tmp_path):
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "4")
    monkeypatch.setenv("NUMPY_MADVISE_HUGEPAGE", "1")
    env = dbt_environment(DataPaths(tmp_path))
    assert (env["OPENBLAS_NUM_THREADS"], env["NUMPY_MADVISE_HUGEPAGE"]) == ("4", "1")
