-- The rows of each system's panel in the composite library (int_nqpf__07 to __11): the index
-- unit-years, numbered from 0 in order of unit code, then year (panel_row), with the unit's group
-- for group imputation (income group or region, as the system says) and its number in the cell
-- key (unit_no, macro nqpf_cell_id), by which the library places the filled grid's cells.
with systems as (

    select * from {{ ref('stg_nqpf__systems') }}

),

index_unit_years as (

    select
        system_id,
        geo_code,
        year
    from {{ ref('int_nqpf__05_sample') }}
    where in_index

)

select
    index_unit_years.system_id,
    cast(
        row_number() over (partition by index_unit_years.system_id order by index_unit_years.geo_code, index_unit_years.year) - 1
        as integer
    ) as panel_row,
    index_unit_years.geo_code,
    index_unit_years.year,
    geographies.unit_no,
    case systems.imputation_group
        when 'income_group' then geographies.income_group
        else geographies.region
    end as unit_group
from index_unit_years
inner join systems using (system_id)
inner join {{ ref('int_geographies') }} as geographies
    on
        index_unit_years.geo_code = geographies.geo_code
        and systems.geography = geographies.geography
