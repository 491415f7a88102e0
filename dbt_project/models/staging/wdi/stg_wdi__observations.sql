-- WDI values, one per indicator, World Bank code and year; layout and vintage say where from.
with source as (

    select * from {{ source('wdi', 'wdi_observations') }}

),

typed as (

    select
        cast(indicator_code as varchar) as indicator_code,
        cast(economy_code as varchar) as economy_code,
        cast(year as integer) as year,
        cast(value as double) as value,
        cast(layout as varchar) as layout,
        cast(vintage as varchar) as vintage,
        cast(source_file as varchar) as source_file,
        cast(source_line as bigint) as source_line
    from source

)

select * from typed
