"""All-or-nothing publication: a crash or a kill never touches the previous version or `latest`."""

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from orchestration.lib import publishing
from orchestration.lib.publishing import PublishedTable, latest_version, publish

TABLE = PublishedTable(
    name="indicators",
    relation="marts.indicators",
    description="synthetic indicators",
    columns={"id": {"data_type": "bigint", "description": "row id"}, "value": {"data_type": "double", "description": "a value"}},
    key=["id"],
)


def make_warehouse(path: Path, rows: int) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute(f"create table marts.indicators as select range as id, random() as value from range({rows})")
    return path


def digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


def is_complete(version: Path) -> bool:
    manifest = json.loads((version / "manifest.json").read_text())
    files = [f for entry in manifest["tables"].values() for f in entry["files"].values()]
    return all(hashlib.sha256((version / f["path"]).read_bytes()).hexdigest() == f["sha256"] for f in files)


def test_publish_writes_a_version_and_moves_latest(tmp_path):
    warehouse = make_warehouse(tmp_path / "warehouse.duckdb", 1000)
    first = publish(tmp_path / "publish", warehouse, [TABLE], "v1", {"run_id": "r1"})
    second = publish(tmp_path / "publish", warehouse, [TABLE], "v2", {"run_id": "r2"})
    assert latest_version(tmp_path / "publish") == second.path
    assert first.path.is_dir() and is_complete(first.path) and is_complete(second.path)
    assert second.manifest["tables"]["indicators"]["rows"] == 1000
    assert os.readlink(tmp_path / "publish" / "latest") == "versions/v2"  # relative: the folder can move


def test_a_crash_before_the_switch_leaves_everything_as_it_was(tmp_path, monkeypatch):
    warehouse = make_warehouse(tmp_path / "warehouse.duckdb", 1000)
    root = tmp_path / "publish"
    publish(root, warehouse, [TABLE], "v1", {})
    before = digest(root / "versions" / "v1")

    def disk_full(_):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(publishing, "_flush_tree", disk_full)
    with pytest.raises(OSError, match="No space left"):
        publish(root, warehouse, [TABLE], "v2", {})
    assert latest_version(root) == root / "versions" / "v1"
    assert digest(root / "versions" / "v1") == before
    assert sorted(p.name for p in (root / "versions").iterdir()) == ["v1"]

    monkeypatch.undo()
    publish(root, warehouse, [TABLE], "v3", {})
    assert list((root / ".staging").iterdir()) == []  # the next publication clears leftovers


def test_a_kill_at_any_moment_leaves_a_complete_latest(tmp_path):
    warehouse = make_warehouse(tmp_path / "warehouse.duckdb", 1_500_000)
    root = tmp_path / "publish"
    publish(root, warehouse, [TABLE], "v0", {})
    script = (
        "import sys; from pathlib import Path; from orchestration.lib.publishing import publish\n"
        "from tests.test_publishing import TABLE\n"
        "print('ready', flush=True)\n"
        f"publish(Path({str(root)!r}), Path({str(warehouse)!r}), [TABLE], sys.argv[1], {{}})\n"
    )
    outcomes = []
    # One publication of this table takes about 0.35 s here: kill it at points spread over that.
    for attempt, delay in enumerate([0.0, 0.02, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.6, 1.0]):
        previous = latest_version(root)
        previous_digest = digest(previous)
        child = subprocess.Popen(
            [sys.executable, "-c", script, f"v{attempt + 1}"], cwd=Path(__file__).parents[1], stdout=subprocess.PIPE, text=True
        )
        assert child.stdout.readline() == "ready\n"
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait()
        current = latest_version(root)
        outcomes.append(current != previous)
        assert is_complete(current)
        if current == previous:
            assert digest(previous) == previous_digest
        for version in (root / "versions").iterdir():  # nothing half-written is ever in versions/
            assert is_complete(version)
    assert not all(outcomes)  # at least one kill landed mid-publication


def test_old_versions_are_pruned_but_never_latest(tmp_path):
    warehouse = make_warehouse(tmp_path / "warehouse.duckdb", 10)
    root = tmp_path / "publish"
    for n in range(5):
        publish(root, warehouse, [TABLE], f"v{n}", {}, keep_versions=2)
    assert sorted(p.name for p in (root / "versions").iterdir()) == ["v3", "v4"]
    assert latest_version(root) == root / "versions" / "v4"


def test_a_quote_in_the_data_folder_is_a_path_not_sql(tmp_path):
    """NQPF_DATA_DIR=/data/it's: every path reaches DuckDB as a quoted literal (attach, copy, read_parquet)."""
    folder = tmp_path / "it's data"
    folder.mkdir()
    warehouse = make_warehouse(folder / "warehouse.duckdb", 10)
    publish(folder / "publish", warehouse, [TABLE], "v1", {"run_id": "r1"})
    second = publish(folder / "publish", warehouse, [TABLE], "v2", {"run_id": "r2"})
    assert is_complete(second.path) and second.manifest["changes"]["unchanged_tables"] == ["indicators"]


def test_rows_are_published_in_key_order_so_a_rebuild_of_the_same_rows_writes_the_same_bytes(tmp_path):
    warehouse = make_warehouse(tmp_path / "warehouse.duckdb", 1000)
    root = tmp_path / "publish"
    first = publish(root, warehouse, [TABLE], "v1", {})
    with duckdb.connect(str(warehouse)) as con:  # the same rows in another order, as a parallel build leaves them
        con.execute("create or replace table marts.indicators as select * from marts.indicators order by value")
    second = publish(root, warehouse, [TABLE], "v2", {})
    assert second.manifest["tables"]["indicators"]["files"] == first.manifest["tables"]["indicators"]["files"]
    assert second.manifest["changes"]["unchanged_tables"] == ["indicators"]
    with duckdb.connect(str(second.path / "nqpf.duckdb"), read_only=True) as con:
        assert [row[0] for row in con.execute("select id from indicators").fetchall()] == list(range(1000))
    csv_ids = [int(line.split(",")[0]) for line in (second.path / "csv" / "indicators.csv").read_text().splitlines()[1:]]
    assert csv_ids == list(range(1000))


@pytest.mark.parametrize("failing", ["write_csv", "write_database", "version_changes", "decorate"])
def test_a_failure_beside_the_pages_publishes_nothing(tmp_path, monkeypatch, failing):
    """The CSV files, the DuckDB file and the change log are written while the pages are: any of the four failing fails it all."""
    warehouse = make_warehouse(tmp_path / "warehouse.duckdb", 1000)
    root = tmp_path / "publish"
    publish(root, warehouse, [TABLE], "v1", {})
    before = digest(root / "versions" / "v1")

    def broken(*args, **kwargs):
        raise RuntimeError(f"{failing} broke")

    if failing == "version_changes":
        monkeypatch.setattr("orchestration.lib.publication_diff.version_changes", broken)
    elif failing != "decorate":
        monkeypatch.setattr(publishing, failing, broken)
    with pytest.raises(RuntimeError, match=f"{failing} broke"):
        publish(root, warehouse, [TABLE], "v2", {}, decorate=broken if failing == "decorate" else None)
    assert latest_version(root) == root / "versions" / "v1"
    assert digest(root / "versions" / "v1") == before
    assert sorted(p.name for p in (root / "versions").iterdir()) == ["v1"]
