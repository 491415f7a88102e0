def model(dbt, session):
    """See the model's description (_nqpf__models.yml); the sums come from orchestration.lib.disparities."""
    dbt.config(materialized="table")
    from orchestration.lib import disparities

    return disparities.region_pair_sums(dbt.ref("int_nqpf__12_disparity_values"))
