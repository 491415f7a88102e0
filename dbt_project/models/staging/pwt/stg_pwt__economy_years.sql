-- Penn World Table, typed and renamed: the growth-accounting inputs and PWT's own TFP.
with source as (

    select * from {{ source('pwt', 'pwt') }}

),

renamed as (

    select
        cast(isocode as varchar)  as economy_code,
        cast(country as varchar)  as economy_name,
        cast(year as integer)     as year,
        cast(currency as varchar) as currency_unit,
        cast(pop as double)       as population_millions,
        cast(emp as double)       as persons_engaged_millions,
        cast(avh as double)       as average_annual_hours,
        cast(hc as double)        as human_capital_index,
        cast(rgdpna as double)    as real_gdp,
        cast(rkna as double)      as capital_services,
        cast(rnna as double)      as capital_stock,
        cast(labsh as double)     as labour_share,
        cast(rtfpna as double)    as pwt_tfp_index
    from source

),

flagged as (

    select
        *,
        -- every input of growth accounting except hours, which may be missing (persons basis)
        real_gdp is not null
            and capital_services is not null
            and persons_engaged_millions is not null
            and human_capital_index is not null
            and labour_share is not null as has_growth_accounting_inputs
    from renamed

)

select * from flagged
