def model(dbt, session):
    """See the model's description (_nqpf__models.yml); the numbers come from orchestration.lib.composite."""
    dbt.config(materialized="table")
    from orchestration.lib.composite import tables

    engine = tables.EngineInput(
        dbt.ref("int_nqpf__03_filled"), dbt.ref("int_nqpf__06_engine_rows"), dbt.ref("int_nqpf__06_engine_columns")
    )
    return tables.values(engine, dbt.ref("stg_nqpf__systems").df())
