-- Published values of every system indicator for every unit of the system's geography, and
-- the indicator value after the transform (identity, log, or ratio to a denominator).
-- A published value the transform cannot use (log of a non-positive number, no denominator)
-- is kept with the reason and counted as dropped in mart_nqpf_coverage.
-- A view: int_nqpf__03_filled is its one reader, and at tens of millions of values writing the
-- table cost more than joining again.
{{ config(materialized='view') }}
{%- set observations = ref('int_observations') %}
{% if nqpf_var('nqpf_unknown_geo_codes') == 'fail' -%}
{{ raise_if_rows(
    "select source, source_code, count(*), arg_min(source_file || ' line ' || coalesce(cast(source_line as varchar), '?'), source_line)
     from " ~ observations ~ " where geo_status = 'unknown_code' group by 1, 2 order by 1, 2",
    "codes that their own publisher's metadata does not know (source | code | values | first at); "
    ~ "set the dbt var nqpf_unknown_geo_codes to 'exclude' to drop them and record them in mart_source_exclusions"
) }}
{%- endif %}

with indicators as (

    select * from {{ ref('int_nqpf__01_system_indicators') }}

),

observations as (

    select * from {{ observations }}
    where geo_status = 'in_scope'

),

units as (

    select
        geo_code,
        geography,
        unit_no
    from {{ ref('int_geographies') }}

),

published as (

    select
        indicators.system_id,
        indicators.indicator_id,
        observations.geo_code,
        observations.year,
        {{ nqpf_cell_id('indicators.indicator_no', 'units.unit_no', 'observations.year') }} as cell_id,
        observations.value as raw_value
    from indicators
    inner join observations
        on
            indicators.source = observations.source
            and indicators.indicator_code = observations.indicator_code
    inner join units
        on
            observations.geo_code = units.geo_code
            and indicators.geography = units.geography

),

denominators as (

    -- only the series some transform divides by, so the join never builds on every observation
    select observations.*
    from observations
    where exists (
        select 1 from indicators
        where
            indicators.operation = 'ratio'
            and indicators.denominator_source = observations.source
            and indicators.denominator_code = observations.indicator_code
    )

),

with_denominator as (

    select
        published.*,
        indicators.operation,
        indicators.multiplier,
        denominators.value as denominator_value
    from published
    inner join indicators using (system_id, indicator_id)
    left join denominators
        on
            indicators.operation = 'ratio'
            and indicators.denominator_source = denominators.source
            and indicators.denominator_code = denominators.indicator_code
            and published.geo_code = denominators.geo_code
            and published.year = denominators.year

),

transformed as (

    select
        system_id,
        indicator_id,
        geo_code,
        year,
        cell_id,
        raw_value,
        denominator_value,
        case operation
            when 'identity' then raw_value
            when 'log' then case when raw_value > 0 then ln(raw_value) end
            when 'ratio' then case when denominator_value > 0 then raw_value / denominator_value * multiplier end
        end as indicator_value,
        case
            when operation = 'log' and raw_value <= 0 then 'value not positive, no logarithm'
            when operation = 'ratio' and denominator_value is null then 'denominator not published'
            when operation = 'ratio' and denominator_value <= 0 then 'denominator not positive'
        end as drop_reason
    from with_denominator

)

select * from transformed
