-- The World Bank's own list of economies and aggregates: an aggregate is a code with no region.
with source as (

    select * from {{ source('wdi', 'wdi_economies') }}

),

typed as (

    select
        cast(economy_code as varchar) as economy_code,
        cast(economy_name as varchar) as economy_name,
        cast(region as varchar) as region,
        cast(income_group as varchar) as income_group,
        region is null as is_aggregate,
        cast(vintage as varchar) as vintage,
        cast(source_file as varchar) as source_file
    from source

)

select * from typed
