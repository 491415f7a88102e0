def model(dbt, session):
    """See the model's description (_nqpf__models.yml); the filling is orchestration.lib.gap_filling."""
    dbt.config(materialized="table")
    from orchestration.lib import gap_filling

    values = gap_filling.read_values(dbt.ref("int_nqpf__02_indicator_values"))
    indicators = dbt.ref("int_nqpf__01_system_indicators").df()
    geographies = dbt.ref("int_geographies").select("geo_code, geography, unit_no").df()
    gap_filling.check_ranges(values, indicators, geographies, dbt.ref("int_observations"))
    return gap_filling.filled(values, gap_filling.grids(indicators, values), gap_filling.units_by_geography(geographies))
