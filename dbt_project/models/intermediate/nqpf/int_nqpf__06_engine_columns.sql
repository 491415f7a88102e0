-- The columns of each system's panel in the composite library (int_nqpf__07 to __11): the
-- indicators in use, numbered from 0 in order of their id (panel_column), with their element,
-- direction and number in the cell key (indicator_no, macro nqpf_cell_id).
select
    indicators.system_id,
    cast(row_number() over (partition by indicators.system_id order by indicators.indicator_id) - 1 as integer) as panel_column,
    indicators.indicator_id,
    indicators.indicator_no,
    indicators.element,
    indicators.direction
from {{ ref('int_nqpf__01_system_indicators') }} as indicators
inner join {{ ref('int_nqpf__04_indicator_status') }} as status using (system_id, indicator_id)
where status.status = 'in use'
