-- What the composite-indicator library reads (int_nqpf__07 to __13): every indicator in use x
-- every unit-year in the index, with the value after gap filling (null where there is none)
-- and the unit's group for group imputation (income group or region, as the system says).
with indicators as (

    select * from {{ ref('int_nqpf__01_system_indicators') }}

),

in_use as (

    select
        system_id,
        indicator_id
    from {{ ref('int_nqpf__04_indicator_status') }}
    where status = 'in use'

),

index_rows as (

    select
        system_id,
        geo_code,
        year
    from {{ ref('int_nqpf__05_sample') }}
    where in_index

)

select
    indicators.system_id,
    indicators.indicator_id,
    indicators.element,
    indicators.direction,
    index_rows.geo_code,
    index_rows.year,
    case systems.imputation_group
        when 'income_group' then geographies.income_group
        else geographies.region
    end as unit_group,
    filled.filled_value as value,
    filled.fill_method
from indicators
inner join in_use using (system_id, indicator_id)
inner join index_rows using (system_id)
inner join {{ ref('nqpf_systems') }} as systems using (system_id)
inner join {{ ref('int_geographies') }} as geographies
    on
        index_rows.geo_code = geographies.geo_code
        and indicators.geography = geographies.geography
left join {{ ref('int_nqpf__03_filled') }} as filled
    on
        indicators.system_id = filled.system_id
        and indicators.indicator_id = filled.indicator_id
        and index_rows.geo_code = filled.geo_code
        and index_rows.year = filled.year
