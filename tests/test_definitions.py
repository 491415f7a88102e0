"""The code location as a Dagster user sees it: assets, groups, lineage, checks, schedule, sensor.

The asset graph and the check list are compared with tests/snapshots/definitions.json, so any
change to them shows up in review. After an intended change, refresh the snapshot with
``NQPF_UPDATE_SNAPSHOTS=1 pytest tests/test_definitions.py`` and commit it.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

from dagster import AssetKey, DefaultScheduleStatus, DefaultSensorStatus

from orchestration.definitions import defs, guarded_checks

SNAPSHOT = Path(__file__).parent / "snapshots" / "definitions.json"
GROUPS = {"ingest", "staging", "intermediate", "marts", "quality", "publish"}


def current_definitions() -> dict:
    graph = defs.get_repository_def().asset_graph
    return {
        "assets": {
            key.to_user_string(): {
                "group": graph.get(key).group_name,
                "upstream": sorted(p.to_user_string() for p in graph.get(key).parent_keys),
            }
            for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string())
        },
        "checks": sorted(f"{k.asset_key.to_user_string()}:{k.name}" for k in graph.asset_check_keys),
    }


def test_asset_graph_and_checks_match_the_snapshot():
    current = current_definitions()
    if os.environ.get("NQPF_UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text(json.dumps(current, indent=2) + "\n")
    assert current == json.loads(SNAPSHOT.read_text())


def test_groups_show_the_flow():
    assets = current_definitions()["assets"]
    assert {a["group"] for a in assets.values()} == GROUPS
    assert assets["pwt_raw"] == {"group": "ingest", "upstream": []}
    assert assets["mart_tfp_growth_accounting"]["upstream"] == [
        "int_tfp__extension",
        "pwt_economies",
        "stg_pwt__economy_years",
    ]  # PWT codes checked against its list; the years after PWT's last
    assert assets["quality_gate"]["group"] == "quality" and assets["publication"]["group"] == "publish"
    assert "quality_gate" in assets["publication"]["upstream"]
    assert assets["nqpf_indicators"]["group"] == "staging"  # the seed


def test_every_check_but_the_audit_warnings_is_blocking_and_guards_publication():
    graph = defs.get_repository_def().asset_graph
    warnings = {k for k in graph.asset_check_keys if not graph.get_check_spec(k).blocking}
    # the statistical audit's flags are for an analyst to read, never a reason to stop a refresh
    assert {(k.asset_key.to_user_string(), k.name) for k in warnings} == {
        ("mart_nqpf_audit", "audit_no_indicator_correlates_negatively_with_its_element"),
        ("mart_nqpf_audit", "audit_every_indicator_correlates_at_least_weakly_with_its_element"),
        ("mart_nqpf_audit", "audit_every_element_is_internally_consistent"),
    }
    assert set(guarded_checks) == set(graph.asset_check_keys) - warnings
    gx = {k for k in graph.asset_check_keys if k.name.startswith("gx_")}
    suites = {p.stem for p in (Path(__file__).parents[1] / "expectations").glob("*.json")}
    assert {k.name.removeprefix("gx_") for k in gx} == suites


def test_every_check_says_what_it_guards():
    """Each of the checks in the UI has a readable name and a description (dbt tests included)."""
    graph = defs.get_repository_def().asset_graph
    specs = [graph.get_check_spec(k) for k in graph.asset_check_keys]
    assert len(specs) > 60
    undescribed = sorted(s.key.to_user_string() for s in specs if not (s.description or "").strip())
    assert undescribed == []
    # dbt generates names such as accepted_values_<model>_<column>__a__b from the test's type; ours say what holds
    generic = (
        "accepted_values_",
        "unique_",
        "not_null_",
        "relationships_",
        "expression_is_true_",
        "sums_to_one_",
        "enough_units_per_year_",
    )
    assert sorted(s.name for s in specs if s.name.startswith(generic)) == []


def test_dbt_cli_resource_hooks_still_exist():
    """NqpfDbtCliResource replaces two private hooks of dagster-dbt 0.29; an upgrade that renames them must fail here."""
    from dagster_dbt import DbtCliResource

    from orchestration.defs.transform.project import NqpfDbtCliResource

    for hook in ("_cli_version", "_initialize_dbt_core_adapter"):
        assert hook in vars(DbtCliResource) and hook in vars(NqpfDbtCliResource)


def test_loading_the_code_location_does_not_import_dbt_core():
    """dbt runs as a subprocess; dagster-dbt is kept in its mode without dbt-core (orchestration/defs/__init__.py),
    which saves about 2 s of every load. Checked in a fresh process, as `nqpf refresh` and `dg dev` load it."""
    probe = (
        "import sys; from orchestration.definitions import defs; import dagster_dbt.compat as c; "
        "print(c.DBT_PYTHON_VERSION, sorted(m for m, v in sys.modules.items() if v and (m == 'dbt' or m.startswith('dbt.'))))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.split("\n")[-2] == "None []"


def test_nightly_schedule_runs_the_full_refresh_at_two_utc():
    schedule = defs.resolve_schedule_def("nightly_full_refresh")
    assert (schedule.cron_schedule, schedule.execution_timezone) == ("0 2 * * *", "UTC")
    assert schedule.job_name == "full_refresh"
    assert schedule.default_status == DefaultScheduleStatus.RUNNING


def test_full_refresh_job_covers_every_asset_and_check():
    job = defs.resolve_job_def("full_refresh")
    expected = current_definitions()
    assert job.asset_layer.executable_asset_keys == {AssetKey.from_user_string(k) for k in expected["assets"]}
    assert (
        sorted(f"{k.asset_key.to_user_string()}:{k.name}" for k in job.asset_layer.asset_graph.asset_check_keys)
        == expected["checks"]
    )
    assert job.executor_def.name == "in_process"


def test_run_failure_sensor_is_on():
    sensor = defs.resolve_sensor_def("record_run_failures")
    assert sensor.default_status == DefaultSensorStatus.RUNNING
