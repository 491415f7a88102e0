-- The units an indicator system can score, one row per geography and code: World Bank
-- economies (aggregates, which have no region in the World Bank's own metadata, are left out).
with economies as (

    select
        wb_code          as geo_code,
        wb_name          as geo_name,
        'economies'      as geography,
        region,
        'World Bank region' as region_scheme,
        income_group
    from {{ ref('stg_wdi__economies') }}
    where not is_aggregate

)

select * from economies
