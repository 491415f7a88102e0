-- Whether each system indicator takes part: it needs at least one observed value (not a
-- fill) in the system's grid years. One without is left out of weights and scores and
-- recorded, or stops the build (dbt var nqpf_indicator_without_data).
with observed as (

    -- the grid stores each cell's key alone: its indicator is the key's first part
    select
        {{ nqpf_cell_indicator_no('cell_id') }} as indicator_no,
        count(*) as observed_values
    from {{ ref('int_nqpf__03_filled') }}
    where fill_method = 'observed'
    group by 1

)

select
    indicators.system_id,
    indicators.indicator_id,
    indicators.indicator_no,
    indicators.element,
    coalesce(observed.observed_values, 0) as observed_values,
    case
        when observed.observed_values > 0 then 'in use'
        else 'excluded: no observations in window'
    end as status
from {{ ref('int_nqpf__01_system_indicators') }} as indicators
left join observed using (indicator_no)
