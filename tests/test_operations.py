"""Unattended operation: the failure log, and the main command's messages."""

import csv
import hashlib
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from dagster import DagsterEventType, DagsterInstance, DagsterRunStatus, RunsFilter, build_run_status_sensor_context, materialize
from dagster._core.storage.dagster_run import IN_PROGRESS_RUN_STATUSES

from orchestration.defs.automation.run_reports import error_text
from orchestration.defs.automation.sensors import record_run_failures
from orchestration.defs.ingest.assets import ingest_assets_by_source
from orchestration.defs.resources import DataDirResource, DataSourceResource
from orchestration.lib.connectors import statistical
from orchestration.lib.refresh_lock import HOLDER_FILE

from .conftest import MIRROR, PWT_MIRROR_FILE, pull_resources

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
    (step,) = record["failed_steps"]
    assert {k: step[k] for k in ("step", "error")} == {
        "step": "pwt_raw",
        "error": f"pwt: mirror folder {missing} does not exist (NQPF_DATA_SOURCE={str(missing)!r}). "
        "Point NQPF_DATA_SOURCE at the mirror folder, or set it to 'online' on a connected machine.",
    }
    assert "Stack Trace:" in step["trace"] and "SourceUnavailableError" in step["trace"]  # the trace is kept here


def cli_environment(data_dir: Path, data_source: str) -> dict[str, str]:
    env = {**os.environ, "NQPF_DATA_DIR": str(data_dir), "NQPF_DATA_SOURCE": data_source}
    env.pop("DAGSTER_HOME", None)
    return env


def run_main_command(data_dir: Path, data_source: str, *command: str) -> subprocess.CompletedProcess:
    """``nqpf refresh`` (or another ``command``) on ``data_dir``, as an operator runs it."""
    return subprocess.run(
        [sys.executable, "-m", "orchestration.tools.cli", *(command or ("refresh",))],
        cwd=PROJECT,
        env=cli_environment(data_dir, data_source),
        capture_output=True,
        text=True,
        timeout=600,
    )


# The publication stage alone, as the UI launches it (gate and publication, on the instance
# the command line's runs share): a kill there needs no full refresh first.
PUBLISH_ONLY = (
    "from dagster import DagsterInstance, materialize\n"
    "from orchestration.definitions import all_assets, gx_checks\n"
    "from orchestration.defs.resources import build_resources\n"
    "with DagsterInstance.get() as instance:\n"
    "    materialize([*all_assets, *gx_checks], selection=['quality_gate', 'publication'],\n"
    "                resources=build_resources(), instance=instance)\n"
)


def start_main_command(data_dir: Path, log: Path, program: list[str] | None = None) -> subprocess.Popen:
    """``nqpf refresh --force`` (or ``program``) in the background, in its own process group (dbt and
    the GX worker with it). Forced: the sources are unchanged, and the kills need a run that rebuilds."""
    env = cli_environment(data_dir, str(MIRROR)) | {"DAGSTER_HOME": str(data_dir / "dagster_home")}
    with log.open("w") as out:
        return subprocess.Popen(
            program or [sys.executable, "-m", "orchestration.tools.cli", "refresh", "--force"],
            cwd=PROJECT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def wait_for(condition, child: subprocess.Popen, what: str, timeout: float = 300.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert child.poll() is None, f"the refresh ended (exit {child.returncode}) before {what}"
        assert time.monotonic() < deadline, f"no {what} within {timeout:g} s"
        time.sleep(0.02)


def run_id_of(data_dir: Path) -> str | None:
    """The run holding the data folder, from the lock's holder file (None before it is taken)."""
    try:
        return json.loads((data_dir / HOLDER_FILE).read_text())["run_id"]
    except (OSError, ValueError, KeyError):
        return None


def manifest_lines(data_dir: Path) -> int:
    manifest = data_dir / "landing" / "manifest.csv"
    return len(manifest.read_text().splitlines()) if manifest.is_file() else 0


def is_complete(version: Path) -> bool:
    manifest = json.loads((version / "manifest.json").read_text())
    files = [f for entry in manifest["tables"].values() for f in entry["files"].values()]
    return all(hashlib.sha256((version / f["path"]).read_bytes()).hexdigest() == f["sha256"] for f in files)


# Where a kill lands, told by what the refresh has written so far (polled every 20 ms). Kills at
# eleven moments inside the publication itself are in test_publishing.py.
KILL_POINTS = {
    "ingest": lambda d, lines: manifest_lines(d) >= lines + 3,  # a few files of the pull recorded
    "dbt": lambda d, lines: any((d / "dbt_runs").glob("*/graph.gpickle")),  # dbt has started building
    "publication": lambda d, lines: any((d / "publish" / ".staging").glob("*/parquet/*")),  # files being exported
}


@pytest.fixture(scope="module")
def operated(tmp_path_factory):
    """A good refresh from the command line, then what an operator meets: a second refresh while
    one runs, SIGKILL to the process group during ingest, dbt and publication, a refresh after
    them, and a source that cannot be reached."""
    root = tmp_path_factory.mktemp("operated")
    data_dir = root / "data"
    runs = {"first": run_main_command(data_dir, "auto")}
    good = (data_dir / "publish" / "latest").resolve()

    kills = {}
    for stage, reached in KILL_POINTS.items():
        shutil.rmtree(data_dir / "dbt_runs", ignore_errors=True)  # so that each marker is this run's own
        lines = manifest_lines(data_dir)
        program = [sys.executable, "-c", PUBLISH_ONLY] if stage == "publication" else None
        child = start_main_command(data_dir, root / f"killed_in_{stage}.log", program)
        wait_for(lambda: run_id_of(data_dir) is not None, child, "the data folder lock")
        wait_for(lambda reached=reached, lines=lines: reached(data_dir, lines), child, f"{stage} stage")
        if stage == "dbt":  # while this refresh holds the folder, a second one is refused at once
            runs["second"] = run_main_command(data_dir, str(MIRROR))
            runs["holder"] = run_id_of(data_dir)
            with duckdb.connect(str(good / "nqpf.duckdb"), read_only=True) as con:  # readers are never blocked
                runs["read_during_refresh"] = con.execute("select count(*) from mart_nqpf_index").fetchone()[0]
        killed_run = run_id_of(data_dir)
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()
        latest = (data_dir / "publish" / "latest").resolve()
        kills[stage] = {
            "run_id": killed_run,
            "latest": latest,
            "complete": is_complete(latest),
            "versions_complete": all(is_complete(v) for v in (data_dir / "publish" / "versions").iterdir()),
        }
    runs["after_kills"] = run_main_command(data_dir, str(MIRROR))
    recovered = (data_dir / "publish" / "latest").resolve()
    runs["unreachable"] = run_main_command(data_dir, str(root / "unplugged-drive"))
    runs["unreachable_verbose"] = run_main_command(data_dir, str(root / "unplugged-drive"), "refresh", "--verbose")
    return {
        "root": root,
        "data_dir": data_dir,
        "good": good,
        "kills": kills,
        "recovered": recovered,
        "final": (data_dir / "publish" / "latest").resolve(),
        **runs,
    }


@pytest.mark.dbt
def test_main_command_publishes(operated):
    done = operated["first"]
    assert done.returncode == 0, done.stderr[-3000:]
    summary = done.stdout[done.stdout.index("\nnqpf: run ") + 1 :].splitlines()
    assert summary[0].endswith(f"succeeded; published {operated['good']}")
    assert all(line.startswith("  - warning mart_nqpf_audit / audit_") for line in summary[1:])  # the audit's flags only
    assert (operated["data_dir"] / "dagster_home" / "dagster.yaml").is_file()  # runs are visible in the UI


@pytest.mark.dbt
def test_a_second_refresh_on_the_same_folder_is_refused_and_readers_are_not_blocked(operated):
    second = operated["second"]
    assert second.returncode == 3
    assert second.stderr.startswith(f"nqpf: the data folder {operated['data_dir']} is in use by run {operated['holder']} (pid ")
    assert second.stderr.rstrip().endswith("; not starting")
    assert operated["read_during_refresh"] > 0


@pytest.mark.dbt
@pytest.mark.parametrize("stage", list(KILL_POINTS))
def test_a_kill_never_leaves_latest_at_an_incomplete_version(operated, stage):
    kill = operated["kills"][stage]
    assert kill["complete"] and kill["versions_complete"]
    if stage != "publication":  # killed before the switch: latest is the good version, untouched
        assert kill["latest"] == operated["good"]


@pytest.mark.dbt
def test_the_refresh_after_the_kills_needs_no_cleanup(operated):
    done = operated["after_kills"]
    assert done.returncode == 0, done.stderr[-3000:]
    assert operated["recovered"] != operated["good"] and is_complete(operated["recovered"])
    data_dir = operated["data_dir"]
    leftovers = [*(data_dir / "landing").rglob(".*.partial"), *(data_dir / "publish").glob(".latest.*")]
    assert leftovers == [] and not any((data_dir / "publish" / ".staging").iterdir())


@pytest.mark.dbt
def test_an_unreachable_source_is_reported_without_traceback(operated):
    failed, missing = operated["unreachable"], operated["root"] / "unplugged-drive"
    assert failed.returncode == 1
    summary = failed.stderr[failed.stderr.index("nqpf: run") :]
    assert "Traceback" not in summary
    lines = summary.splitlines()
    assert sorted(lines[1:-1]) == [
        f"  - step {step}: {source}: mirror folder {missing} does not exist (NQPF_DATA_SOURCE={str(missing)!r}). "
        "Point NQPF_DATA_SOURCE at the mirror folder, or set it to 'online' on a connected machine."
        for step, source in sorted(
            [(f"{name}_raw", name) for name in statistical.catalog()]
            + [
                ("gapminder_raw", "gapminder"),
                ("pwt_raw", "pwt"),
                ("wdi_raw", "wdi"),
            ]
        )
    ]
    assert lines[-1] == f"  data/publish/latest still points at {operated['recovered']}"
    assert operated["final"] == operated["recovered"]
    # no stack trace on the console at all, each step's cause in words; --verbose prints the traces
    console = failed.stdout + failed.stderr
    assert "Stack Trace:" not in console and "Traceback" not in console
    assert f"caused by: orchestration.lib.connectors.errors.SourceUnavailableError: pwt: mirror folder {missing}" in console
    verbose = operated["unreachable_verbose"].stdout + operated["unreachable_verbose"].stderr
    assert verbose.count("Stack Trace:") >= len(statistical.catalog()) + 3


def test_an_exception_inside_an_op_is_reported_by_its_root_cause():
    from dagster import asset

    @asset
    def broken():
        raise ValueError("the warehouse path 'it's' cannot be attached")

    result = materialize([broken], raise_on_error=False)
    (failure,) = [e for e in result.all_events if e.is_step_failure]
    assert error_text(failure.event_specific_data.error) == "ValueError: the warehouse path 'it's' cannot be attached"


@pytest.mark.dbt
def test_run_monitoring_marks_killed_runs_failed_and_frees_the_queue(operated, monkeypatch):
    """The killed runs stay STARTED (nothing in them could say otherwise) until Dagster's run
    monitoring asks the launcher about them; then each is failed with the reason, the queue that
    allows one run at a time is free again, and the failure sensor records it."""
    from dagster._daemon.monitoring.run_monitoring import monitor_started_run

    monkeypatch.setenv("DAGSTER_HOME", str(operated["data_dir"] / "dagster_home"))  # the instance the refreshes used
    with DagsterInstance.get() as instance:
        assert type(instance.run_launcher).__name__ == "MonitoredRunLauncher" and instance.run_monitoring_enabled
        for stage, kill in operated["kills"].items():
            record = instance.get_run_record_by_id(kill["run_id"])
            assert record.dagster_run.status == DagsterRunStatus.STARTED, stage
            pid = record.dagster_run.tags["nqpf/pid"]
            monitor_started_run(instance, None, record, logging.getLogger("run_monitoring"))
            run = instance.get_run_by_id(kill["run_id"])
            assert run.status == DagsterRunStatus.FAILURE, stage
            (failure,) = instance.all_logs(run.run_id, of_type=DagsterEventType.RUN_FAILURE)
            assert failure.message == (
                f"Detected run worker status FAILED: 'the run's process (pid {pid} on {socket.gethostname()}) is gone "
                f"without finishing the run: it was killed or crashed'. Marking run {run.run_id} as failed."
            )
            context = build_run_status_sensor_context(
                sensor_name="record_run_failures",
                dagster_event=failure.dagster_event,
                dagster_instance=instance,
                dagster_run=run,
                resources={"data_dir": DataDirResource(root=str(operated["root"] / "failures"))},
            ).for_run_failure()
            record_run_failures(context)
        assert not instance.get_run_records(filters=RunsFilter(statuses=IN_PROGRESS_RUN_STATUSES))
    logged = (operated["root"] / "failures" / "quality" / "run_failures.jsonl").read_text().splitlines()
    assert [json.loads(line)["run_id"] for line in logged] == [k["run_id"] for k in operated["kills"].values()]
    assert all("is gone without finishing the run" in json.loads(line)["run_error"] for line in logged)


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


def test_a_failed_suite_is_summarised_with_its_rows_and_chinese_stays_chinese():
    from types import SimpleNamespace

    from dagster import AssetKey

    from orchestration.defs.automation.run_reports import check_failure

    failed = [
        {
            "expectation": "expect_column_values_to_be_in_set",
            "column": "published_unit",
            "observed": {"unexpected_count": 1, "unexpected_percent": 0.01},
            "expected": {"value_set": ["亿元", "万元"]},
            "rows": [{"region_label": "北京", "year": 2023, "source_file": "RDIntense_raw.csv", "source_line": 900}],
        }
    ]
    evaluation = SimpleNamespace(
        asset_key=AssetKey("china_techme_raw"),
        check_name="gx_china_techme",
        metadata={"failed_expectations": SimpleNamespace(value=failed)},
    )
    assert check_failure(evaluation) == (
        "check china_techme_raw / gx_china_techme failed: expect_column_values_to_be_in_set on column published_unit: "
        'observed {"unexpected_count": 1, "unexpected_percent": 0.01}, expected {"value_set": ["亿元", "万元"]}; '
        'rows: {"region_label": "北京", "year": 2023, "source_file": "RDIntense_raw.csv", "source_line": 900}'
    )
