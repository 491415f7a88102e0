def model(dbt, session):
    """See the model's description (_nqpf__models.yml); the numbers come from orchestration.lib.composite."""
    dbt.config(materialized="table")
    from orchestration.lib.composite import tables

    return tables.values(dbt.ref("int_nqpf__06_engine_input"), dbt.ref("stg_nqpf__systems").df())
