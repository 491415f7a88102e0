"""The code location as a Dagster user sees it: assets, groups, lineage, checks, schedule, sensor."""

from dagster import AssetKey, DefaultScheduleStatus, DefaultSensorStatus

from orchestration.definitions import defs

EXPECTED_GRAPH = {  # asset: (group, upstream assets)
    "pwt_raw": ("ingest", set()),
    "stg_pwt__economy_years": ("staging", {"pwt_raw"}),
    "mart_tfp_growth_accounting": ("marts", {"stg_pwt__economy_years"}),
    "mart_tfp_levels": ("marts", {"stg_pwt__economy_years", "mart_tfp_growth_accounting"}),
    "quality_gate": ("quality", {"mart_tfp_growth_accounting", "mart_tfp_levels"}),
    "publication": ("publish", {"quality_gate", "mart_tfp_growth_accounting", "mart_tfp_levels"}),
}

EXPECTED_CHECKS = {
    ("pwt_raw", "gx_pwt_raw"),
    ("stg_pwt__economy_years", "not_null_stg_pwt__economy_years_economy_code"),
    ("stg_pwt__economy_years", "not_null_stg_pwt__economy_years_year"),
    ("stg_pwt__economy_years", "unique_combination_of_columns_stg_pwt__economy_years_economy_code__year"),
    ("mart_tfp_growth_accounting", "gx_mart_tfp_growth_accounting"),
    ("mart_tfp_growth_accounting", "unique_combination_of_columns_mart_tfp_growth_accounting_economy_code__year"),
    ("mart_tfp_growth_accounting", "growth_accounting_adds_up_to_output_growth"),
    ("mart_tfp_growth_accounting", "labour_contribution_is_quantity_plus_human_capital"),
    ("mart_tfp_growth_accounting", "labour_productivity_decomposition_adds_up"),
    ("mart_tfp_growth_accounting", "tfp_growth_reproduces_pwt_where_hours_are_published"),
    ("mart_tfp_growth_accounting", "accepted_values_mart_tfp_growth_accounting_labour_basis__hours__persons"),
    ("mart_tfp_growth_accounting", "relationships_mart_tfp_growth_accounting_economy_code__economy_code__ref_stg_pwt__economy_years_"),
    ("mart_tfp_levels", "gx_mart_tfp_levels"),
    ("mart_tfp_levels", "unique_combination_of_columns_mart_tfp_levels_economy_code__year"),
    ("mart_tfp_levels", "tfp_index_is_one_in_base_year"),
    ("mart_tfp_levels", "accepted_values_mart_tfp_levels_labour_basis__hours__persons"),
}


def test_asset_graph_snapshot():
    graph = defs.get_repository_def().asset_graph
    actual = {
        key.to_user_string(): (graph.get(key).group_name, {p.to_user_string() for p in graph.get(key).parent_keys})
        for key in graph.get_all_asset_keys()
    }
    assert actual == EXPECTED_GRAPH


def test_every_check_is_blocking_and_guards_publication():
    from orchestration.definitions import guarded_checks

    graph = defs.get_repository_def().asset_graph
    checks = {(k.asset_key.to_user_string(), k.name) for k in graph.asset_check_keys}
    assert checks == EXPECTED_CHECKS
    assert all(graph.get_check_spec(k).blocking for k in graph.asset_check_keys)
    assert {(k.asset_key.to_user_string(), k.name) for k in guarded_checks} == EXPECTED_CHECKS


def test_nightly_schedule_runs_the_full_refresh_at_two_utc():
    schedule = defs.resolve_schedule_def("nightly_full_refresh")
    assert (schedule.cron_schedule, schedule.execution_timezone) == ("0 2 * * *", "UTC")
    assert schedule.job_name == "full_refresh"
    assert schedule.default_status == DefaultScheduleStatus.RUNNING


def test_full_refresh_job_covers_every_asset_and_check():
    job = defs.resolve_job_def("full_refresh")
    assert job.asset_layer.executable_asset_keys == {AssetKey(name) for name in EXPECTED_GRAPH}
    assert {(k.asset_key.to_user_string(), k.name) for k in job.asset_layer.asset_graph.asset_check_keys} == EXPECTED_CHECKS
    assert job.executor_def.name == "in_process"


def test_run_failure_sensor_is_on():
    sensor = defs.resolve_sensor_def("record_run_failures")
    assert sensor.default_status == DefaultSensorStatus.RUNNING
