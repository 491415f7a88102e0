-- The index under the nominal choices and under each alternative of one choice at a time,
-- side by side, per system, unit and year. Docs block nqpf_uncertainty.
with variants as (

    select * from {{ ref('int_nqpf__10_variants') }}

),

nominal as (

    select
        system_id,
        geo_code,
        year,
        rank as nominal_rank
    from variants
    where variant = 'nominal'

)

select
    variants.system_id,
    variants.geo_code,
    geographies.geo_name,
    variants.year,
    variants.variant,
    variants.factor,
    variants.nqpf_index,
    cast(variants.rank as integer) as nqpf_rank,
    cast(variants.rank - nominal.nominal_rank as integer) as rank_change
from variants
inner join nominal
    on
        variants.system_id = nominal.system_id
        and variants.geo_code = nominal.geo_code
        and variants.year = nominal.year
inner join {{ ref('stg_nqpf__systems') }} as systems on variants.system_id = systems.system_id
inner join {{ ref('int_geographies') }} as geographies
    on variants.geo_code = geographies.geo_code and systems.geography = geographies.geography
