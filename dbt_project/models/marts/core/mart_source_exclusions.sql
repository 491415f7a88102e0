-- Every published value a system could have used but did not, because of where it belongs:
-- aggregates (no region in the World Bank's metadata; not a country for Gapminder), codes the
-- publisher's own metadata does not know (when nqpf_unknown_geo_codes = exclude), Gapminder
-- geos without an ISO3 code, and units outside the World Bank's list (e.g. Taiwan in PWT).
with used as (

    select distinct
        source,
        indicator_code
    from {{ ref('int_nqpf__00_required_series') }}

),

excluded as (

    select observations.*
    from {{ ref('int_observations') }} as observations
    inner join used using (source, indicator_code)
    where observations.geo_status <> 'in_scope'

),

final as (

    select
        source,
        indicator_code,
        source_code,
        geo_status as reason_code,
        case geo_status
            when 'aggregate' then 'aggregate, not an economy (publisher metadata)'
            when 'unknown_code' then 'code unknown to the publisher''s own metadata'
            when 'no_iso3_code' then 'no ISO 3166-1 alpha-3 code in Gapminder entities'
            when 'outside_universe' then 'not a World Bank economy'
        end as reason,
        cast(count(*) as integer) as values_excluded,
        cast(min(year) as integer) as first_year,
        cast(max(year) as integer) as last_year,
        arg_min(source_file, coalesce(source_line, 0)) as example_file,
        cast(min(source_line) as bigint) as example_line
    from excluded
    group by source, indicator_code, source_code, geo_status

)

select * from final
