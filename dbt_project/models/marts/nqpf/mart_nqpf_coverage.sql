-- What each system had to work with, per unit and indicator over the window: values observed,
-- interpolated, extrapolated, published but dropped by the transform (and why), still missing,
-- and how many of the window's years the unit entered the index.
with cells as (

    -- the grid stores each cell's key alone: its indicator, unit and year are the key's parts
    select
        {{ nqpf_cell_parts('cell_id') }},
        fill_method,
        drop_reason
    from {{ ref('int_nqpf__03_filled') }}

),

filled as (

    select
        indicators.system_id,
        sample.geo_code,
        indicators.indicator_id,
        cells.fill_method,
        cells.drop_reason
    from cells
    inner join {{ ref('int_nqpf__01_system_indicators') }} as indicators using (indicator_no)
    inner join {{ ref('int_nqpf__05_sample') }} as sample
        on
            indicators.system_id = sample.system_id
            and cells.unit_no = sample.unit_no
            and cells.year = sample.year
    where sample.in_window

),

years_in_index as (

    select
        system_id,
        geo_code,
        count(*) filter (where in_index) as years_in_index,
        count(*) as years_in_window
    from {{ ref('int_nqpf__05_sample') }}
    where in_window
    group by system_id, geo_code

),

counts as (

    select
        system_id,
        geo_code,
        indicator_id,
        count(*) filter (where fill_method = 'observed') as observed,
        count(*) filter (where fill_method = 'interpolated') as interpolated,
        count(*) filter (where fill_method = 'extrapolated') as extrapolated,
        count(*) filter (where drop_reason is not null) as dropped,
        string_agg(distinct drop_reason, '; ') as drop_reasons,
        count(*) filter (where fill_method is null and drop_reason is null) as missing
    from filled
    group by system_id, geo_code, indicator_id

),

final as (

    select
        counts.system_id,
        counts.geo_code,
        counts.indicator_id,
        indicators.element,
        status.status as indicator_status,
        cast(years.years_in_window as integer) as years_in_window,
        cast(counts.observed as integer) as observed,
        cast(counts.interpolated as integer) as interpolated,
        cast(counts.extrapolated as integer) as extrapolated,
        cast(counts.dropped as integer) as dropped,
        counts.drop_reasons,
        cast(counts.missing as integer) as missing,
        cast(years.years_in_index as integer) as years_in_index,
        cast(years.years_in_window - years.years_in_index as integer) as years_left_out_of_index
    from counts
    inner join years_in_index as years using (system_id, geo_code)
    inner join {{ ref('int_nqpf__01_system_indicators') }} as indicators using (system_id, indicator_id)
    inner join {{ ref('int_nqpf__04_indicator_status') }} as status using (system_id, indicator_id)

)

select * from final
