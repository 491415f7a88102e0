-- How firm each rank is: the nominal rank and its distribution over the Monte Carlo runs, and
-- the share of the rank's variance each choice explains. Docs block nqpf_uncertainty.
select
    uncertainty.system_id,
    uncertainty.geo_code,
    geographies.geo_name,
    uncertainty.year,
    cast(uncertainty.nominal_rank as integer) as nominal_rank,
    uncertainty.mean_rank,
    uncertainty.median_rank,
    uncertainty.rank_p05,
    uncertainty.rank_p95,
    uncertainty.rank_variance,
    cast(uncertainty.runs as integer) as runs,
    uncertainty.first_order_treatment,
    uncertainty.first_order_imputation,
    uncertainty.first_order_weighting,
    uncertainty.first_order_weights,
    uncertainty.first_order_normalisation,
    uncertainty.first_order_aggregation,
    uncertainty.total_treatment,
    uncertainty.total_imputation,
    uncertainty.total_weighting,
    uncertainty.total_weights,
    uncertainty.total_normalisation,
    uncertainty.total_aggregation
from {{ ref('int_nqpf__09_unit_years') }} as uncertainty
inner join {{ ref('stg_nqpf__systems') }} as systems using (system_id)
inner join {{ ref('int_geographies') }} as geographies
    on uncertainty.geo_code = geographies.geo_code and systems.geography = geographies.geography
