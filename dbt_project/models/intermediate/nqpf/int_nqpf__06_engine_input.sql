-- The cells the composite library reads (int_nqpf__07 to __11): every indicator in use x every
-- unit-year in the index, with the value after gap filling (null where there is none), placed
-- by position in the system's panel: panel_row (int_nqpf__06_engine_rows) and panel_column
-- (int_nqpf__06_engine_columns). Numbers only: at tens of millions of cells each text column
-- would cost more to write than the values, and the unit's and indicator's labels are one row
-- per unit-year or per indicator in those two models. cell_id (macro nqpf_cell_id) goes with
-- each cell to int_nqpf__07, which mart_nqpf_panel joins by it.
with engine_rows as (

    select
        system_id,
        geo_code,
        year,
        panel_row
    from {{ ref('int_nqpf__06_engine_rows') }}

),

engine_columns as (

    select
        system_id,
        indicator_id,
        panel_column
    from {{ ref('int_nqpf__06_engine_columns') }}

),

index_cells as materialized (

    -- the filled grid has every indicator x every unit-year of the window: its index unit-years
    -- are the cells. Materialized, so that the optimizer joins the cells to the unit-years first
    -- rather than cross the unit-years with the indicators into a grid and join the cells to it
    -- (a hash table of every cell: twice the time at 30M cells)
    select
        filled.system_id,
        filled.indicator_id,
        engine_rows.panel_row,
        filled.filled_value as value,
        filled.cell_id
    from {{ ref('int_nqpf__03_filled') }} as filled
    inner join engine_rows using (system_id, geo_code, year)

)

select
    index_cells.system_id,
    index_cells.panel_row,
    engine_columns.panel_column,
    index_cells.value,
    index_cells.cell_id
from index_cells
inner join engine_columns using (system_id, indicator_id)
