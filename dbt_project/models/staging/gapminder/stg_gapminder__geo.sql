-- Gapminder geo entities: Gapminder's own code, its ISO3 code and whether it is a country.
with source as (

    select * from {{ source('gapminder', 'gapminder_geo') }}

),

typed as (

    select
        cast(gapminder_geo as varchar) as gapminder_geo,
        cast(gapminder_name as varchar) as gapminder_name,
        cast(iso3 as varchar) as iso3,
        cast(is_country as boolean) as is_country,
        cast(world_4region as varchar) as world_4region
    from source

)

select * from typed
