-- The composite NQPF index, weighted TOPSIS and the coupling coordination of the three
-- elements, per system, unit and year, with how the unit-year's values were obtained.
-- Formulas: docs blocks nqpf_index, nqpf_topsis and nqpf_coupling (models/docs/methods.md);
-- the index and TOPSIS come from the composite library (int_nqpf__09_unit_years).
with scores as (

    select * from {{ ref('int_nqpf__09_unit_years') }}

),

fill_counts as (

    -- how each unit-year's indicator values were obtained before imputation (observed or
    -- gap-filled), counted per unit-year in int_nqpf__05_sample: no cell-level scan
    select
        system_id,
        geo_code,
        year,
        indicators_in_use as cells,
        indicators_observed as observed,
        indicators_filled as filled
    from {{ ref('int_nqpf__05_sample') }}
    where in_index

),

availability as (

    -- the imputed and missing counts come per unit-year from the composite library: no cell-level join
    select
        fill_counts.system_id,
        fill_counts.geo_code,
        fill_counts.year,
        fill_counts.observed / fill_counts.cells as share_observed,
        fill_counts.filled / fill_counts.cells as share_filled,
        scores.indicators_imputed / fill_counts.cells as share_imputed,
        (fill_counts.cells - scores.indicators_available) / fill_counts.cells as share_missing
    from fill_counts
    inner join scores using (system_id, geo_code, year)

),

elements as (

    select
        system_id,
        geo_code,
        year,
        laborers_score,
        instruments_score,
        subjects_score
    from scores

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
        scores.system_id,
        scores.geo_code,
        scores.year,
        scores.nqpf_index,
        scores.topsis_closeness,
        coupling.laborers_score,
        coupling.instruments_score,
        coupling.subjects_score,
        coupling.coupling_degree,
        coupling.coordination_index,
        sqrt(coupling.coupling_degree * coupling.coordination_index) as coupling_coordination,
        scores.indicators_available,
        availability.share_observed,
        availability.share_filled,
        availability.share_imputed,
        availability.share_missing
    from scores
    inner join coupling using (system_id, geo_code, year)
    inner join availability using (system_id, geo_code, year)

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
        cast(ranked.indicators_available as integer) as indicators_available,
        ranked.share_observed,
        ranked.share_filled,
        ranked.share_imputed,
        ranked.share_missing
    from ranked
    inner join {{ ref('stg_nqpf__systems') }} as systems using (system_id)
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
