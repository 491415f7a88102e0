-- Element scores per system, unit, year and element.
-- Formula: docs block nqpf_element_scores (models/docs/methods.md).
with normalised as (

    select * from {{ ref('int_nqpf__06_normalised') }}

),

weights as (

    select
        system_id,
        indicator_id,
        weight_in_element
    from {{ ref('mart_nqpf_indicator_weights') }}
    where status = 'in use'

),

indicators_per_element as (

    select
        system_id,
        element,
        count(*) as indicators_in_element
    from {{ ref('mart_nqpf_indicator_weights') }}
    where status = 'in use'
    group by system_id, element

),

scores as (

    select
        normalised.system_id,
        normalised.geo_code,
        normalised.year,
        normalised.element,
        sum(weights.weight_in_element * normalised.normalised_value) / nullif(sum(weights.weight_in_element), 0) as score,
        count(*) as indicators_available
    from normalised
    inner join weights using (system_id, indicator_id)
    group by normalised.system_id, normalised.geo_code, normalised.year, normalised.element

),

final as (

    select
        scores.system_id,
        scores.geo_code,
        scores.year,
        scores.element,
        scores.score,
        cast(rank() over (partition by scores.system_id, scores.year, scores.element order by scores.score desc) as integer)
            as rank_in_year,
        cast(scores.indicators_available as integer) as indicators_available,
        cast(indicators_per_element.indicators_in_element as integer) as indicators_in_element
    from scores
    inner join indicators_per_element using (system_id, element)

)

select * from final
