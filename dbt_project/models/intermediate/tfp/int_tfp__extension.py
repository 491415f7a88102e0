def model(dbt, session):
    """See the model's description (_tfp__models.yml); the rules are orchestration.lib.growth_extension's."""
    dbt.config(materialized="table")
    from orchestration.lib.growth_extension import extend, extension_inputs

    return extend(
        **extension_inputs(
            dbt.ref("tfp_extension_series"),
            dbt.ref("stg_pwt__economy_years"),
            dbt.ref("stg_wdi__observations"),
            dbt.ref("int_observations"),
        )
    )
