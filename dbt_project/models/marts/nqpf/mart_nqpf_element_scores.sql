-- Element scores per system, unit, year and element, ranked within the year.
-- Formula: docs block nqpf_element_scores (models/docs/methods.md).
with scores as (

    select * from {{ ref('int_nqpf__09_unit_years') }}

),

long as (

    -- the counts per element come with the scores (indicators in the element, and with a value
    -- after imputation), so no cell-level table is read here
    select
        system_id,
        geo_code,
        year,
        'laborers' as element,
        laborers_score as score,
        laborers_available as indicators_available,
        laborers_in_element as indicators_in_element
    from scores
    union all
    select
        system_id,
        geo_code,
        year,
        'instruments_of_labor' as element,
        instruments_score as score,
        instruments_available as indicators_available,
        instruments_in_element as indicators_in_element
    from scores
    union all
    select
        system_id,
        geo_code,
        year,
        'subjects_of_labor' as element,
        subjects_score as score,
        subjects_available as indicators_available,
        subjects_in_element as indicators_in_element
    from scores

),

final as (

    select
        system_id,
        geo_code,
        year,
        element,
        score,
        cast(rank() over (partition by system_id, year, element order by score desc) as integer) as rank_in_year,
        cast(indicators_available as integer) as indicators_available,
        cast(indicators_in_element as integer) as indicators_in_element
    from long

)

select * from final
