-- What the composite-indicator library reads (int_nqpf__07 to __13): every indicator in use x
-- every unit-year in the index, with the value after gap filling (null where there is none)
-- and the unit's group for group imputation (income group or region, as the system says).
-- panel_row and panel_column place each cell in the system's panel (rows: units, then years;
-- columns: indicators, each in code order), so the library fills its matrices by position.
with indicators as (

    select * from {{ ref('int_nqpf__01_system_indicators') }}

),

in_use as (

    select
        system_id,
        indicator_id,
        cast(row_number() over (partition by system_id order by indicator_id) - 1 as integer) as panel_column
    from {{ ref('int_nqpf__04_indicator_status') }}
    where status = 'in use'

),

index_rows as (

    -- numbered here, per unit-year, not over every cell: one sort of the rows, not of the cells
    select
        system_id,
        geo_code,
        year,
        cast(row_number() over (partition by system_id order by geo_code, year) - 1 as integer) as panel_row
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
    filled.fill_method,
    index_rows.panel_row,
    in_use.panel_column
from indicators
inner join in_use using (system_id, indicator_id)
inner join index_rows using (system_id)
inner join {{ ref('stg_nqpf__systems') }} as systems using (system_id)
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
