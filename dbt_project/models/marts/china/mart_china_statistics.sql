-- The provincial statistics as the indicator systems read them: cleaned labels, harmonised
-- units, corrected units flagged; provinces only (national total and regional aggregates are
-- kept in intermediate.int_china__observations).
select
    observations.province_code,
    provinces.name_en as province_name,
    provinces.nbs_region,
    observations.source,
    observations.variable,
    observations.variable_label,
    observations.year,
    observations.value,
    observations.unit,
    observations.unit_corrected,
    observations.source_file,
    observations.source_line
from {{ ref('int_china__observations') }} as observations
inner join {{ ref('china_provinces') }} as provinces using (province_code)
where observations.kind = 'province'
