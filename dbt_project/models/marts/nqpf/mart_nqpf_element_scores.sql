-- Element scores per system, unit, year and element, ranked within the year.
-- Formula: docs block nqpf_element_scores (models/docs/methods.md).
with scores as (

    select * from {{ ref('int_nqpf__09_unit_years') }}

),

long as (

    select
        system_id,
        geo_code,
        year,
        'laborers' as element,
        laborers_score as score
    from scores
    union all
    select
        system_id,
        geo_code,
        year,
        'instruments_of_labor' as element,
        instruments_score as score
    from scores
    union all
    select
        system_id,
        geo_code,
        year,
        'subjects_of_labor' as element,
        subjects_score as score
    from scores

),

counts as (

    select
        values.system_id,
        values.geo_code,
        values.year,
        indicators.element,
        count(values.prepared_value) as indicators_available,
        count(*) as indicators_in_element
    from {{ ref('int_nqpf__07_values') }} as values
    inner join {{ ref('int_nqpf__01_system_indicators') }} as indicators using (system_id, indicator_id)
    group by values.system_id, values.geo_code, values.year, indicators.element

),

final as (

    select
        long.system_id,
        long.geo_code,
        long.year,
        long.element,
        long.score,
        cast(rank() over (partition by long.system_id, long.year, long.element order by long.score desc) as integer)
            as rank_in_year,
        cast(counts.indicators_available as integer) as indicators_available,
        cast(counts.indicators_in_element as integer) as indicators_in_element
    from long
    inner join counts using (system_id, geo_code, year, element)

)

select * from final
