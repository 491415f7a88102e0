def model(dbt, session):
    """See the model's description (_nqpf__models.yml); the numbers come from orchestration.lib.composite."""
    dbt.config(materialized="table")
    # Beside int_nqpf__09_unit_years, not after it: both read one shared evaluation
    # (tables.nominal_results), which one computes while the other waits on its lock, and this
    # model's tables are then made while 09 writes its own (2 s off a 30M build).
    from orchestration.lib.composite import tables

    engine = tables.EngineInput(
        dbt.ref("int_nqpf__03_filled"), dbt.ref("int_nqpf__06_engine_rows"), dbt.ref("int_nqpf__06_engine_columns")
    )
    return tables.indicators(engine, dbt.ref("stg_nqpf__systems").df())
