-- What the composite-indicator library reads (int_nqpf__07 to __11): every indicator in use x
-- every unit-year in the index, with the value after gap filling (null where there is none)
-- and the unit's group for group imputation (income group or region, as the system says).
-- panel_row and panel_column place each cell in the system's panel (rows: units, then years;
-- columns: indicators, each in code order), so the library fills its matrices by position;
-- cell_id (macro nqpf_cell_id) goes with each cell to int_nqpf__07, which mart_nqpf_panel joins by it.
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

),

index_cells as materialized (

    -- the filled grid has every indicator x every unit-year of the window: its index unit-years
    -- are the cells. Materialized, so that the optimizer joins the cells to the unit-years (a
    -- small table) first rather than cross the small tables into a grid and join the cells to it
    select
        filled.*,
        index_rows.panel_row
    from {{ ref('int_nqpf__03_filled') }} as filled
    inner join index_rows using (system_id, geo_code, year)

)

select
    cells.system_id,
    cells.indicator_id,
    indicators.element,
    indicators.direction,
    cells.geo_code,
    cells.year,
    case systems.imputation_group
        when 'income_group' then geographies.income_group
        else geographies.region
    end as unit_group,
    cells.filled_value as value,
    cells.fill_method,
    cells.cell_id,
    cells.panel_row,
    in_use.panel_column
from index_cells as cells
inner join in_use using (system_id, indicator_id)
inner join indicators using (system_id, indicator_id)
inner join {{ ref('stg_nqpf__systems') }} as systems using (system_id)
inner join {{ ref('int_geographies') }} as geographies
    on
        cells.geo_code = geographies.geo_code
        and indicators.geography = geographies.geography
