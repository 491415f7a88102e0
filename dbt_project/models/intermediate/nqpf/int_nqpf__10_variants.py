def model(dbt, session):
    """See the model's description (_nqpf__models.yml); the numbers come from orchestration.lib.composite."""
    dbt.config(materialized="table")
    # After the other composite models (but the panel): two CPU-bound Python models in dbt's two
    # threads share one interpreter lock and each runs more than twice as slowly. (08 runs beside
    # 09 only to wait for the evaluation they share.)
    dbt.ref("int_nqpf__08_indicators")
    dbt.ref("int_nqpf__09_unit_years")
    from orchestration.lib.composite import tables

    engine = tables.EngineInput(
        dbt.ref("int_nqpf__03_filled"), dbt.ref("int_nqpf__06_engine_rows"), dbt.ref("int_nqpf__06_engine_columns")
    )
    return tables.variants(engine, dbt.ref("stg_nqpf__systems").df())
