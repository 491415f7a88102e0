-- The units an indicator system can score, one row per geography and code: World Bank
-- economies (aggregates, which have no region in the World Bank's own metadata, are left out)
-- with their World Bank region, and China's 31 provinces with their NBS region. Published as
-- dim_geographies; the method models read it here so intermediates never depend on a mart.
-- unit_no numbers the units (by geography, then code) for the NQPF models' integer cell key
-- (macro nqpf_cell_id).
-- Both branches stay at the margin inside the target switch. -- noqa: disable=LT02
{%- if nqpf_synthetic() %}

with units as (

    select * from {{ source('synthetic', 'units') }}

),

{%- else %}

with economies as (

    select
        economy_code as geo_code,
        economy_name as geo_name,
        'economies' as geography,
        region,
        'World Bank region' as region_scheme,
        income_group
    from {{ ref('stg_wdi__economies') }}
    where not is_aggregate

),

provinces as (

    select
        province_code as geo_code,
        name_en as geo_name,
        'provinces' as geography,
        nbs_region as region,
        'NBS four regions' as region_scheme,
        cast(null as varchar) as income_group
    from {{ ref('china_provinces') }}

),

units as (

    select * from economies
    union all
    select * from provinces

),

{%- endif %}

numbered as (

    select
        *,
        cast(row_number() over (order by geography, geo_code) as integer) as unit_no
    from units

)

select * from numbered
