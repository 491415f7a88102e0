-- Every published value of every source, long, with the unit code it maps to and whether it
-- is in scope: a World Bank economy or a Chinese province, as opposed to an aggregate (World
-- Bank region or income group, China's national total or a regional aggregate), a code its
-- publisher does not know (the World Bank's metadata, Gapminder's entities, PWT's own list of
-- economies), or a unit outside the World Bank's list.
-- Both branches stay at the margin inside the target switch. -- noqa: disable=LT02
{%- if nqpf_synthetic() %}
{#- a view: the generated Parquet file is read where it is used, not copied first -#}
{{ config(materialized='view') }}

select * from {{ source('synthetic', 'observations') }}

{%- else %}

with economies as (

    select geo_code from {{ ref('int_geographies') }}
    where geography = 'economies'

),

wdi as (

    select
        'wdi' as source,
        observations.indicator_code,
        observations.economy_code as source_code,
        observations.economy_code as geo_code,
        observations.year,
        observations.value,
        observations.source_file,
        observations.source_line,
        case
            when metadata.economy_code is null then 'unknown_code'
            when metadata.is_aggregate then 'aggregate'
            else 'in_scope'
        end as geo_status
    from {{ ref('stg_wdi__observations') }} as observations
    left join {{ ref('stg_wdi__economies') }} as metadata using (economy_code)

),

gapminder as (

    select
        'gapminder' as source,
        observations.indicator_code,
        observations.gapminder_geo as source_code,
        geo.iso3 as geo_code,
        observations.year,
        observations.value,
        observations.source_file,
        observations.source_line,
        case
            when geo.gapminder_geo is null then 'unknown_code'
            when not geo.is_country then 'aggregate'
            when geo.iso3 is null then 'no_iso3_code'
            when economies.geo_code is null then 'outside_universe'
            else 'in_scope'
        end as geo_status
    from {{ ref('stg_gapminder__observations') }} as observations
    left join {{ ref('stg_gapminder__geo') }} as geo using (gapminder_geo)
    left join economies on geo.iso3 = economies.geo_code

),

pwt as (

    select
        'pwt' as source,
        observations.indicator_code,
        observations.economy_code as source_code,
        observations.economy_code as geo_code,
        observations.year,
        observations.value,
        observations.source_file,
        observations.source_line,
        case
            when pwt_economies.economy_code is null then 'unknown_code'
            when economies.geo_code is null then 'outside_universe'
            else 'in_scope'
        end as geo_status
    from {{ ref('stg_pwt__observations') }} as observations
    left join {{ ref('pwt_economies') }} as pwt_economies on observations.economy_code = pwt_economies.economy_code
    left join economies on observations.economy_code = economies.geo_code

),

china as (

    select
        source,
        variable as indicator_code,
        unit_code as source_code,
        province_code as geo_code,
        year,
        value,
        source_file,
        source_line,
        case when kind = 'province' then 'in_scope' else 'aggregate' end as geo_status
    from {{ ref('int_china__observations') }}

),

china_capital_stock as (

    select
        'china_capital' as source,
        'capital_stock' as indicator_code,
        province_code as source_code,
        province_code as geo_code,
        year,
        capital_stock as value,
        'mart_china_capital_stock' as source_file,
        cast(null as bigint) as source_line,
        'in_scope' as geo_status
    from {{ ref('int_china__capital_stock') }}

),

china_human_capital as (

    -- average schooling and the human capital it gives (int_china__tfp_inputs), as series indicators can name
    select
        'china_tfp' as source,
        indicator_code,
        province_code as source_code,
        province_code as geo_code,
        year,
        value,
        'mart_china_tfp_growth_accounting' as source_file,
        cast(null as bigint) as source_line,
        'in_scope' as geo_status
    from {{ ref('int_china__tfp_inputs') }}
    unpivot (value for indicator_code in (average_schooling, human_capital))

),

unioned as (

    select * from wdi
    union all
    select * from gapminder
    union all
    select * from pwt
    union all
    select * from china
    union all
    select * from china_capital_stock
    union all
    select * from china_human_capital

)

select * from unioned

{%- endif %}
