-- Min-max normalisation by direction, pooled over every unit-year of the system's index.
-- Formula: docs block nqpf_normalisation (models/docs/methods.md).
with indicators as (

    select * from {{ ref('int_nqpf__01_system_indicators') }}

),

sample_values as (

    select
        filled.system_id,
        filled.indicator_id,
        indicators.element,
        indicators.direction,
        indicators.normalisation_shift,
        filled.geo_code,
        filled.year,
        filled.filled_value as value
    from {{ ref('int_nqpf__03_filled') }} as filled
    inner join {{ ref('int_nqpf__05_sample') }} as sample using (system_id, geo_code, year)
    inner join indicators using (system_id, indicator_id)
    inner join {{ ref('int_nqpf__04_indicator_status') }} as status using (system_id, indicator_id)
    where
        sample.in_index
        and status.status = 'in use'
        and filled.filled_value is not null

),

ranges as (

    select
        *,
        min(value) over by_indicator as min_value,
        max(value) over by_indicator as max_value
    from sample_values
    window by_indicator as (partition by system_id, indicator_id)

),

normalised as (

    select
        system_id,
        indicator_id,
        element,
        geo_code,
        year,
        value,
        min_value,
        max_value,
        -- least(1, ...) only absorbs rounding: shift + (1 - shift) * 1 can come out as 1 + 2e-16
        least(1.0, case
            when max_value = min_value then 1.0
            when
                direction = '+'
                then normalisation_shift + (1 - normalisation_shift) * (value - min_value) / (max_value - min_value)
            else normalisation_shift + (1 - normalisation_shift) * (max_value - value) / (max_value - min_value)
        end) as normalised_value
    from ranges

)

select * from normalised
