-- The series the indicator systems need, stated once: every system indicator's own series,
-- and the denominator of its transform where the transform is a ratio. Ingest computes the
-- same set before dbt runs (orchestration/lib/indicator_systems.py; a test keeps them equal).
-- A view: it always says what the seeds say now, even when only the seeds were reloaded.
{{ config(materialized='view') }}

with indicators as (

    select * from {{ ref('stg_nqpf__indicators') }}

),

systems as (

    select * from {{ ref('stg_nqpf__systems') }}

),

transforms as (

    select * from {{ ref('stg_nqpf__transforms') }}

),

own_series as (

    select
        system_id,
        indicator_id,
        source,
        indicator_code,
        'indicator' as role
    from indicators

),

denominators as (

    select
        indicators.system_id,
        indicators.indicator_id,
        transforms.denominator_source as source,
        transforms.denominator_code as indicator_code,
        'denominator of ' || indicators.transform as role
    from indicators
    inner join systems using (system_id)
    inner join transforms
        on
            systems.geography = transforms.geography
            and indicators.transform = transforms.transform
    where transforms.operation = 'ratio'

)

select * from own_series
union all
select * from denominators
