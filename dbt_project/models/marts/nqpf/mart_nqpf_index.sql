-- The composite NQPF index, entropy-weighted TOPSIS and the coupling coordination of the three
-- elements, per system, unit and year. Formulas: docs blocks nqpf_index, nqpf_topsis and
-- nqpf_coupling (models/docs/methods.md).
with normalised as (

    select * from {{ ref('int_nqpf__06_normalised') }}

),

weights as (

    select
        system_id,
        indicator_id,
        weight_in_system
    from {{ ref('mart_nqpf_indicator_weights') }}
    where status = 'in use'

),

weighted as (

    select
        normalised.system_id,
        normalised.indicator_id,
        normalised.geo_code,
        normalised.year,
        weights.weight_in_system,
        weights.weight_in_system * normalised.normalised_value as weighted_value
    from normalised
    inner join weights using (system_id, indicator_id)

),

ideal as (

    select
        system_id,
        indicator_id,
        max(weighted_value) as best,
        min(weighted_value) as worst
    from weighted
    group by system_id, indicator_id

),

composite as (

    select
        weighted.system_id,
        weighted.geo_code,
        weighted.year,
        sum(weighted.weighted_value) / nullif(sum(weighted.weight_in_system), 0) as nqpf_index,
        sqrt(sum(power(weighted.weighted_value - ideal.best, 2))) as distance_to_best,
        sqrt(sum(power(weighted.weighted_value - ideal.worst, 2))) as distance_to_worst,
        count(*) as indicators_available
    from weighted
    inner join ideal using (system_id, indicator_id)
    group by weighted.system_id, weighted.geo_code, weighted.year

),

elements as (

    select
        system_id,
        geo_code,
        year,
        max(case when element = 'laborers' then score end) as laborers_score,
        max(case when element = 'instruments_of_labor' then score end) as instruments_score,
        max(case when element = 'subjects_of_labor' then score end) as subjects_score
    from {{ ref('mart_nqpf_element_scores') }}
    group by system_id, geo_code, year

),

coupling as (

    select
        *,
        cbrt(laborers_score * instruments_score * subjects_score)
        / ((laborers_score + instruments_score + subjects_score) / 3) as coupling_degree,
        (laborers_score + instruments_score + subjects_score) / 3 as coordination_index
    from elements

),

combined as (

    select
        composite.system_id,
        composite.geo_code,
        composite.year,
        composite.nqpf_index,
        composite.distance_to_worst / nullif(composite.distance_to_best + composite.distance_to_worst, 0) as topsis_closeness,
        coupling.laborers_score,
        coupling.instruments_score,
        coupling.subjects_score,
        coupling.coupling_degree,
        coupling.coordination_index,
        sqrt(coupling.coupling_degree * coupling.coordination_index) as coupling_coordination,
        composite.indicators_available
    from composite
    inner join coupling using (system_id, geo_code, year)

),

ranked as (

    select
        combined.*,
        rank() over (partition by combined.system_id, combined.year order by combined.nqpf_index desc) as nqpf_rank,
        rank() over (partition by combined.system_id, combined.year order by combined.topsis_closeness desc) as topsis_rank,
        case
            when
                lag(combined.year) over by_unit = combined.year - 1
                then combined.nqpf_index / lag(combined.nqpf_index) over by_unit - 1
        end as nqpf_index_growth
    from combined
    window by_unit as (partition by system_id, geo_code order by year)

),

final as (

    select
        ranked.system_id,
        ranked.geo_code,
        geographies.geo_name,
        ranked.year,
        ranked.nqpf_index,
        cast(ranked.nqpf_rank as integer) as nqpf_rank,
        ranked.nqpf_index_growth,
        ranked.topsis_closeness,
        cast(ranked.topsis_rank as integer) as topsis_rank,
        ranked.laborers_score,
        ranked.instruments_score,
        ranked.subjects_score,
        ranked.coupling_degree,
        ranked.coordination_index,
        ranked.coupling_coordination,
        classes.coordination_class,
        classes.coordination_class_zh,
        cast(ranked.indicators_available as integer) as indicators_available
    from ranked
    inner join {{ ref('nqpf_systems') }} as systems using (system_id)
    inner join {{ ref('dim_geographies') }} as geographies
        on
            ranked.geo_code = geographies.geo_code
            and systems.geography = geographies.geography
    left join {{ ref('nqpf_coordination_classes') }} as classes
        on
            ranked.coupling_coordination >= classes.lower_bound
            and (
                ranked.coupling_coordination < classes.upper_bound
                or (classes.upper_bound = 1 and ranked.coupling_coordination <= 1)
            )

)

select * from final
