-- Gapminder datapoints, long: the concept is the indicator code.
with source as (

    select * from {{ source('gapminder', 'gapminder_observations') }}

),

renamed as (

    select
        cast(concept as varchar) as indicator_code,
        cast(geo as varchar)     as gapminder_geo,
        cast(year as integer)    as year,
        cast(value as double)    as value,
        cast(_file as varchar)   as source_file,
        cast(_line as bigint)    as source_line
    from source

)

select * from renamed
