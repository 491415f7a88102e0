-- Gapminder datapoints, long: the concept is the indicator code.
with source as (

    select * from {{ source('gapminder', 'gapminder_observations') }}

),

typed as (

    select
        cast(indicator_code as varchar) as indicator_code,
        cast(gapminder_geo as varchar) as gapminder_geo,
        cast(year as integer) as year,
        cast(value as double) as value,
        cast(source_file as varchar) as source_file,
        cast(source_line as bigint) as source_line
    from source

)

select * from typed
