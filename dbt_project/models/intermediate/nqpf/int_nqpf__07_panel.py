def model(dbt, session):
    """See the model's description (_nqpf__models.yml); the rows come from orchestration.lib.composite.panel_table."""
    dbt.config(materialized="table")
    # After the unit-year results, whose evaluation it reuses: the index marts wait on those, not on the panel.
    dbt.ref("int_nqpf__09_unit_years")
    from orchestration.lib.composite import panel_table, tables

    engine = tables.EngineInput(
        dbt.ref("int_nqpf__03_filled"), dbt.ref("int_nqpf__06_engine_rows"), dbt.ref("int_nqpf__06_engine_columns")
    )
    return panel_table.panel(
        engine,
        dbt.ref("stg_nqpf__systems").df(),
        indicators=dbt.ref("int_nqpf__01_system_indicators"),
        sample=dbt.ref("int_nqpf__05_sample"),
    )
