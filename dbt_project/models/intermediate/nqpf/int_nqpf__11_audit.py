def model(dbt, session):
    """See the model's description (_nqpf__models.yml); the numbers come from orchestration.lib.composite."""
    dbt.config(materialized="table")
    # The composite models run one after the other: two CPU-bound Python models in dbt's two
    # threads share one interpreter lock and each runs more than twice as slowly.
    dbt.ref("int_nqpf__10_variants")
    from orchestration.lib.composite import tables

    engine = tables.EngineInput(
        dbt.ref("int_nqpf__03_filled"), dbt.ref("int_nqpf__06_engine_rows"), dbt.ref("int_nqpf__06_engine_columns")
    )
    return tables.audit_table(engine, dbt.ref("stg_nqpf__systems").df())
