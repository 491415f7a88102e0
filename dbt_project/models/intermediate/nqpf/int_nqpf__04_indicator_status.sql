-- Whether each system indicator takes part: it needs at least one observed value (not a
-- fill) in the system's grid years. One without is left out of weights and scores and
-- recorded, or stops the build (dbt var nqpf_indicator_without_data).
select
    indicators.system_id,
    indicators.indicator_id,
    count(filled.fill_method) filter (where filled.fill_method = 'observed') as observed_values,
    case
        when count(filled.fill_method) filter (where filled.fill_method = 'observed') > 0 then 'in use'
        else 'excluded: no observations in window'
    end as status
from {{ ref('int_nqpf__01_system_indicators') }} as indicators
left join {{ ref('int_nqpf__03_filled') }} as filled using (system_id, indicator_id)
group by indicators.system_id, indicators.indicator_id
