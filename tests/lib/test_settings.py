"""The environment every dbt process gets (lib/settings.py)."""

from pathlib import Path

from orchestration.lib.settings import DATA_DIR_ENV, DataPaths, dbt_environment


def test_dbt_gets_the_absolute_warehouse_folder_and_one_blas_thread(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    env = dbt_environment(DataPaths(Path("relative") / "data"))
    assert env[DATA_DIR_ENV] == str(tmp_path / "relative" / "data")
    assert env["OPENBLAS_NUM_THREADS"] == "1"


def test_an_operators_blas_setting_is_kept(monkeypatch, tmp_path):
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "4")
    assert dbt_environment(DataPaths(tmp_path))["OPENBLAS_NUM_THREADS"] == "4"
