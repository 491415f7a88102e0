-- Which unit-years enter each system's index, and where an `auto` window ends.
-- Rule: docs block nqpf_sample (models/docs/methods.md).
{% if nqpf_var('nqpf_indicator_without_data') == 'fail' -%}
{{ raise_if_rows(
    "select i.system_id, i.indicator_id, i.source || ':' || i.indicator_code from " ~ ref('int_nqpf__01_system_indicators') ~ " i
     inner join " ~ ref('int_nqpf__04_indicator_status') ~ " s using (system_id, indicator_id)
     where s.status <> 'in use' order by 1, 2",
    "indicators without any observation in their system's window (system | indicator | source:code); "
    ~ "set the dbt var nqpf_indicator_without_data to 'exclude' to leave them out and record them"
) }}
{%- endif %}

with cells as (

    -- the grid stores each cell's key alone: its indicator, unit and year are the key's parts
    select
        {{ nqpf_cell_parts('cell_id') }},
        filled_value,
        fill_method
    from {{ ref('int_nqpf__03_filled') }}

),

in_use as (

    select
        indicator_no,
        system_id,
        element
    from {{ ref('int_nqpf__04_indicator_status') }}
    where status = 'in use'

),

availability as (

    select
        in_use.system_id,
        cells.unit_no,
        cells.year,
        in_use.element,
        count(*) as indicators_in_use,
        count(cells.filled_value) as indicators_with_value,
        count(*) filter (where cells.fill_method = 'observed') as indicators_observed,
        count(*) filter (where cells.fill_method in ('interpolated', 'extrapolated')) as indicators_filled
    from cells
    inner join in_use using (indicator_no)
    group by in_use.system_id, cells.unit_no, cells.year, in_use.element

),

qualification as (

    -- every element has enough of its indicators, and the system enough of all of them (screening)
    select
        availability.system_id,
        availability.unit_no,
        availability.year,
        sum(availability.indicators_with_value) / sum(availability.indicators_in_use) as data_share,
        -- how the unit-year's values were obtained (for mart_nqpf_index, without a cell-level scan)
        sum(availability.indicators_in_use) as indicators_in_use,
        sum(availability.indicators_observed) as indicators_observed,
        sum(availability.indicators_filled) as indicators_filled,
        count(*) = 3
        and bool_and(availability.indicators_with_value >= systems.min_share_per_element * availability.indicators_in_use - 1e-9)
        and sum(availability.indicators_with_value)
        >= {{ dbt.any_value("systems.min_data_share") }} * sum(availability.indicators_in_use) - 1e-9
            as qualifies
    from availability
    inner join {{ ref('stg_nqpf__systems') }} as systems using (system_id)
    group by availability.system_id, availability.unit_no, availability.year

),

qualifying_per_year as (

    select
        system_id,
        year,
        count(*) filter (where qualifies) as qualifying_units
    from qualification
    group by system_id, year

),

best_year as (

    select
        system_id,
        max(qualifying_units) as qualifying_units
    from qualifying_per_year
    group by system_id

),

window_end as (

    select
        per_year.system_id,
        coalesce(
            max(try_cast(systems.window_end as integer)),
            max(per_year.year) filter (
                where per_year.qualifying_units >= systems.auto_end_min_share * best.qualifying_units
            )
        ) as window_end
    from qualifying_per_year as per_year
    inner join {{ ref('stg_nqpf__systems') }} as systems using (system_id)
    inner join best_year as best using (system_id)
    group by per_year.system_id

),

final as (

    select
        qualification.system_id,
        units.geo_code,
        qualification.year,
        qualification.unit_no,
        qualification.data_share,
        cast(qualification.indicators_in_use as integer) as indicators_in_use,
        cast(qualification.indicators_observed as integer) as indicators_observed,
        cast(qualification.indicators_filled as integer) as indicators_filled,
        qualification.qualifies,
        window_end.window_end,
        qualification.year <= window_end.window_end as in_window,
        qualification.qualifies and qualification.year <= window_end.window_end as in_index
    from qualification
    inner join window_end using (system_id)
    inner join {{ ref('int_geographies') }} as units using (unit_no)

)

select * from final
