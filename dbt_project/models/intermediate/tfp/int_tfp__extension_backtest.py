def model(dbt, session):
    """The extension as if PWT ended in the backtest's cutoff year (see _tfp__models.yml)."""
    dbt.config(materialized="table")
    from orchestration.lib.growth_extension import extend, extension_inputs

    cutoff, last_year = int(dbt.config.get("cutoff")), int(dbt.config.get("last_year"))
    return extend(
        **extension_inputs(
            dbt.ref("tfp_extension_series"),
            dbt.ref("stg_pwt__economy_years"),
            dbt.ref("stg_wdi__observations"),
            dbt.ref("int_observations"),
        ),
        cutoff=cutoff,
        last_year=last_year,
    )
