def model(dbt, session):
    """See the model's description (_nqpf__models.yml); the numbers come from orchestration.lib.composite."""
    dbt.config(materialized="table")
    # The first of the composite models: it evaluates each system, which the others reuse
    # (orchestration.lib.composite.tables.nominal_results), and the index marts wait on it alone.
    from orchestration.lib.composite import tables

    engine = tables.EngineInput(
        dbt.ref("int_nqpf__03_filled"), dbt.ref("int_nqpf__06_engine_rows"), dbt.ref("int_nqpf__06_engine_columns")
    )
    return tables.unit_year_results(engine, dbt.ref("stg_nqpf__systems").df())
