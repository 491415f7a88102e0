-- Penn World Table, typed: the growth-accounting inputs and PWT's own TFP under PWT's codes.
with source as (

    select * from {{ source('pwt', 'pwt') }}

),

typed as (

    select
        cast(economy_code as varchar) as economy_code,
        cast(economy_name as varchar) as economy_name,
        cast(year as integer) as year,
        cast(currency_unit as varchar) as currency_unit,
        cast(pop as double) as pop,
        cast(emp as double) as emp,
        cast(avh as double) as avh,
        cast(hc as double) as hc,
        cast(rgdpna as double) as rgdpna,
        cast(rkna as double) as rkna,
        cast(rnna as double) as rnna,
        cast(labsh as double) as labsh,
        cast(delta as double) as delta,
        cast(rtfpna as double) as rtfpna
    from source

),

flagged as (

    select
        *,
        -- every input of growth accounting except hours, which may be missing (persons basis)
        rgdpna is not null
        and rkna is not null
        and emp is not null
        and hc is not null
        and labsh is not null as has_growth_accounting_inputs
    from typed

)

select * from flagged
