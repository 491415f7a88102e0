"""Unattended operation: the failure log, and the main command's messages."""

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from dagster import DagsterInstance, build_run_status_sensor_context, materialize

from orchestration.defs.automation.run_reports import error_text
from orchestration.defs.automation.sensors import record_run_failures
from orchestration.defs.ingest.assets import ingest_assets_by_source
from orchestration.defs.resources import DataDirResource, DataSourceResource

from .conftest import PWT_MIRROR_FILE, pull_resources

PROJECT = Path(__file__).parents[1]


def test_failed_run_is_recorded_with_its_step_and_error(tmp_path):
    instance = DagsterInstance.ephemeral()
    missing = tmp_path / "no-mirror"
    result = materialize(
        [ingest_assets_by_source["pwt"]],
        resources=pull_resources(tmp_path, DataSourceResource(setting=str(missing))),
        instance=instance,
        raise_on_error=False,
    )
    assert not result.success
    context = build_run_status_sensor_context(
        sensor_name="record_run_failures",
        dagster_event=result.get_run_failure_event(),
        dagster_instance=instance,
        dagster_run=result.dagster_run,
        resources={"data_dir": DataDirResource(root=str(tmp_path))},
    ).for_run_failure()
    record_run_failures(context)
    (line,) = (tmp_path / "quality" / "run_failures.jsonl").read_text().splitlines()
    record = json.loads(line)
    assert record["run_id"] == result.run_id
    assert record["failed_steps"] == [
        {
            "step": "pwt_raw",
            "error": f"pwt: mirror folder {missing} does not exist (NQPF_DATA_SOURCE={str(missing)!r}). "
            "Point NQPF_DATA_SOURCE at the mirror folder, or set it to 'online' on a connected machine.",
        }
    ]


def run_main_command(data_dir: Path, data_source: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "NQPF_DATA_DIR": str(data_dir), "NQPF_DATA_SOURCE": data_source}
    env.pop("DAGSTER_HOME", None)
    return subprocess.run(
        [sys.executable, "-m", "orchestration.tools.cli", "refresh"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.dbt
def test_main_command_publishes_then_reports_an_unreachable_source_without_traceback(tmp_path):
    data_dir = tmp_path / "data"
    done = run_main_command(data_dir, "auto")
    assert done.returncode == 0, done.stderr[-3000:]
    latest = (data_dir / "publish" / "latest").resolve()
    assert done.stdout.strip().endswith(f"succeeded; published {latest}")
    assert (data_dir / "dagster_home" / "dagster.yaml").is_file()  # runs are visible in the UI

    missing = tmp_path / "unplugged-drive"
    failed = run_main_command(data_dir, str(missing))
    assert failed.returncode == 1
    summary = failed.stderr[failed.stderr.index("nqpf: run") :]
    assert "Traceback" not in summary
    lines = summary.splitlines()
    assert sorted(lines[1:-1]) == [
        f"  - step {step}: {source}: mirror folder {missing} does not exist (NQPF_DATA_SOURCE={str(missing)!r}). "
        "Point NQPF_DATA_SOURCE at the mirror folder, or set it to 'online' on a connected machine."
        for step, source in [
            ("china_capital_stock_raw", "china_capital_stock"),
            ("china_techme_raw", "china_techme"),
            ("gapminder_raw", "gapminder"),
            ("pwt_raw", "pwt"),
            ("wdi_raw", "wdi"),
        ]
    ]
    assert lines[-1] == f"  data/publish/latest still points at {latest}"
    assert (data_dir / "publish" / "latest").resolve() == latest


def test_a_rejected_file_is_kept_and_its_pull_recorded(tmp_path):
    mirror = tmp_path / "mirror"
    (mirror / "pwt").mkdir(parents=True)
    lines = PWT_MIRROR_FILE.read_text(encoding="utf-8").splitlines(keepends=True)[:11]
    (mirror / "pwt" / "pwt1001.csv").write_text("".join([*lines, lines[3]]), encoding="utf-8")
    result = materialize(
        [ingest_assets_by_source["pwt"]],
        resources=pull_resources(tmp_path / "data", DataSourceResource(setting=str(mirror))),
        instance=DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    assert not result.success
    message = f"pwt: file {mirror / 'pwt' / 'pwt1001.csv'}, column 'isocode, year', row 11 (line 12): duplicated key (isocode=ABW, year=1952), first seen at row 3 (line 4)"
    (failure,) = [e for e in result.all_events if e.is_step_failure]
    assert error_text(failure.event_specific_data.error) == message
    with (tmp_path / "data" / "landing" / "manifest.csv").open() as handle:
        (pull,) = list(csv.DictReader(handle))
    assert (pull["status"], pull["detail"], pull["rows"]) == ("rejected", message, "")
    assert Path(pull["snapshot"]).read_bytes() == (mirror / "pwt" / "pwt1001.csv").read_bytes()
    assert not (tmp_path / "data" / "warehouse").exists()  # nothing landed
