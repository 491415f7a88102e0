-- Does missing data lift a score? Per system and number of indicators a unit-year had before
-- imputation: the mean percentile rank (0 = top, 1 = bottom) under the nominal choices and under
-- the available mean (no imputation). Docs block nqpf_imputation.
with ranks as (

    select
        variants.system_id,
        variants.geo_code,
        variants.year,
        variants.variant,
        (variants.rank - 1) / (count(*) over (partition by variants.system_id, variants.year, variants.variant) - 1)
            as percentile_rank
    from {{ ref('int_nqpf__10_variants') }} as variants
    where variants.variant in ('nominal', 'imputation=none')

),

per_unit_year as (

    select
        scores.system_id,
        scores.geo_code,
        scores.year,
        scores.indicators_with_value,
        scores.indicators_in_use,
        max(ranks.percentile_rank) filter (where ranks.variant = 'nominal') as nominal_percentile,
        -- a system whose nominal imputation is none has no such variant: its nominal ranks are the available mean
        coalesce(
            max(ranks.percentile_rank) filter (where ranks.variant = 'imputation=none'),
            max(ranks.percentile_rank) filter (where ranks.variant = 'nominal')
        ) as available_mean_percentile
    from {{ ref('int_nqpf__09_unit_years') }} as scores
    inner join ranks using (system_id, geo_code, year)
    group by all

)

select
    system_id,
    cast(indicators_with_value as integer) as indicators_with_value,
    cast({{ dbt.any_value("indicators_in_use") }} as integer) as indicators_in_use,
    cast(count(*) as integer) as unit_years,
    avg(nominal_percentile) as mean_percentile_rank_nominal,
    avg(available_mean_percentile) as mean_percentile_rank_available_mean
from per_unit_year
group by system_id, indicators_with_value
