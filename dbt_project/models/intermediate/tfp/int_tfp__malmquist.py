def model(dbt, session):
    """See the model's description (mart_tfp_malmquist in _tfp__models.yml); the programmes are solved by orchestration.lib.frontier."""
    dbt.config(materialized="table")
    from orchestration.lib.frontier.tables import malmquist_table

    return malmquist_table(dbt.ref("int_tfp__frontier_panel").df())
